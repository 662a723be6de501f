export { SeverityChip, SloPhaseChip, SloStatusChip, ToneChip } from './Chips';
export { MultiSelect } from './MultiSelect';
export { SafeLink } from './SafeLink';
export { SloFileErrors } from './SloFileErrors';
export { StatTile } from './StatTile';
export { WrappingText } from './WrappingText';
export { WrappingListItemText } from './WrappingListItemText';
