export { SloEmptyState, sloAnnotationSnippet } from './SloEmptyState';
