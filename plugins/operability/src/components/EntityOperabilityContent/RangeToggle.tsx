import Typography from '@material-ui/core/Typography';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import { SERIES_RANGES, type SeriesRange } from '../../lib/series';

/** The range the Operability tab shows: the last day, week, 28 days or 90 days. */
export function RangeToggle(props: {
  value: SeriesRange;
  onChange: (range: SeriesRange) => void;
}) {
  return (
    <>
      <Typography variant="body2" id="operability-range-label">
        Range
      </Typography>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={props.value}
        onChange={(_, value: SeriesRange | null) => {
          if (value) props.onChange(value);
        }}
        aria-labelledby="operability-range-label"
      >
        {SERIES_RANGES.map(r => (
          <ToggleButton key={r} value={r} aria-label={`Last ${r}`}>
            {r}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
    </>
  );
}
