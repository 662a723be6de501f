export { OperabilityPortfolioPage } from './OperabilityPortfolioPage';
