export * from './calendar';
export * from './duration';
export * from './export';
export * from './indicators';
export * from './math';
export * from './model';
export { DEFAULT_TIME_WINDOW } from './openslo';
export {
  isRfc1123Name,
  OPENSLO_API_VERSION,
  OPENSLO_KINDS,
  type OpenSloKind,
} from './opensloSchemas';
export * from './parse';
export * from './rules';
export { SLOTH_DEFAULT_PERIOD, SLOTH_VERSION } from './sloth';
export * from './timeslices';
export * from './windows';
export type { SloFile } from './yamlDocuments';
