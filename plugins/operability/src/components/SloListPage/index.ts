export { SloListPage } from './SloListPage';
