export { SeverityChip, SloStatusChip, ToneChip } from './Chips';
export { MultiSelect } from './MultiSelect';
export { SafeLink } from './SafeLink';
export { StatTile } from './StatTile';
