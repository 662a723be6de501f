export * from './calendar';
export * from './duration';
export * from './export';
export * from './indicators';
export * from './math';
export * from './model';
export { DEFAULT_TIME_WINDOW } from './openslo';
export { OPENSLO_V1ALPHA_API_VERSION } from './opensloV1alpha';
export {
  isOpenSloAnnotationKey,
  isOpenSloLabelKey,
  isRfc1123Name,
  OPENSLO_API_VERSION,
  OPENSLO_KINDS,
  type OpenSloKind,
} from './opensloSchemas';
export * from './parse';
export * from './rules';
export {
  SLOTH_DEFAULT_PERIOD,
  SLOTH_KUBERNETES_API_VERSION,
  SLOTH_KUBERNETES_KIND,
  SLOTH_VERSION,
} from './sloth';
export * from './timeslices';
export * from './windows';
export type { SloFile } from './yamlDocuments';
