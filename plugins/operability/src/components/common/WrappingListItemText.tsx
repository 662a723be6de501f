import ListItemText, {
  type ListItemTextProps,
} from '@material-ui/core/ListItemText';

/**
 * Backstage's theme keeps the text of a dense list item on one line (`white-space: nowrap`), so
 * a long sentence or SLO name ran past the card's edge. This one wraps, inside a word when a
 * config key or a name has no space to break at.
 */
export function WrappingListItemText(props: ListItemTextProps) {
  return (
    <ListItemText
      {...props}
      style={{ whiteSpace: 'normal', overflowWrap: 'anywhere', ...props.style }}
    />
  );
}
