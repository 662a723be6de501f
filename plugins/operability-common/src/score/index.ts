export * from './compute';
export * from './exemptions';
export * from './model';
