export * from './client';
export * from './entityRefs';
export * from './incidents';
export * from './types';
export * from './zod';
export * from './sli';
export * from './slos';
export * from './scores';
