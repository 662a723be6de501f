export {
  createOperabilityCatalogColumns,
  type OperabilityCatalogRow,
} from './OperabilityCatalogColumns';
