import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import { SERIES_RANGES, type SeriesRange } from '../../lib/series';

const useStyles = makeStyles(theme => ({
  button: {
    // Large enough to hit, and readable on light and dark backgrounds alike.
    minWidth: 56,
    padding: theme.spacing(0.75, 2),
    fontSize: theme.typography.body2.fontSize,
    fontWeight: theme.typography.fontWeightMedium as number,
    color: theme.palette.text.primary,
    borderColor: theme.palette.text.secondary,
    '&$selected, &$selected:hover': {
      color: theme.palette.primary.contrastText,
      backgroundColor: theme.palette.primary.main,
    },
  },
  selected: {},
}));

/** The range the Operability tab shows: the last day, week, 28 days or 90 days. */
export function RangeToggle(props: {
  value: SeriesRange;
  onChange: (range: SeriesRange) => void;
}) {
  const classes = useStyles();
  return (
    <>
      <Typography variant="body2" id="operability-range-label">
        Range
      </Typography>
      <ToggleButtonGroup
        exclusive
        value={props.value}
        onChange={(_, value: SeriesRange | null) => {
          if (value) props.onChange(value);
        }}
        aria-labelledby="operability-range-label"
      >
        {SERIES_RANGES.map(r => (
          <ToggleButton
            key={r}
            value={r}
            aria-label={`Last ${r}`}
            classes={{ root: classes.button, selected: classes.selected }}
          >
            {r.toUpperCase()}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
    </>
  );
}
