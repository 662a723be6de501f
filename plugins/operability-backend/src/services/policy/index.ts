export { DeployGate, toGateException, type EntityPolicy } from './DeployGate';
