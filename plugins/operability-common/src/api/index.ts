export * from './client';
export * from './entityRefs';
export * from './types';
export * from './zod';
