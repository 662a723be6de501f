export {
  EntityIncidentsCard,
  incidentAnnotationSnippet,
} from './EntityIncidentsCard';
