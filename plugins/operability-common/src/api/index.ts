export * from './client';
export * from './entityRefs';
export * from './incidents';
export { API_RANGES, instantRangeProblem } from './limits';
export * from './types';
export * from './zod';
export * from './sli';
export * from './slos';
export * from './scores';
