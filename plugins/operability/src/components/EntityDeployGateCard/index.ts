export { EntityDeployGateCard } from './EntityDeployGateCard';
