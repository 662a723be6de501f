import Checkbox from '@material-ui/core/Checkbox';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import OutlinedInput from '@material-ui/core/OutlinedInput';
import Select from '@material-ui/core/Select';
import { useUniqueId } from '../../hooks/useUniqueId';

/** A labelled multiple choice; nothing chosen means "any". */
export function MultiSelect<T extends string>(props: {
  label: string;
  options: readonly T[];
  value: T[];
  onChange: (value: T[]) => void;
  minWidth?: number;
}) {
  const id = useUniqueId('operability-select');
  return (
    <FormControl
      variant="outlined"
      size="small"
      style={{ minWidth: props.minWidth ?? 140 }}
    >
      {/* Shrunk: the empty choice is shown as "any", which the label must not cover. */}
      <InputLabel id={`${id}-label`} shrink>
        {props.label}
      </InputLabel>
      <Select
        labelId={`${id}-label`}
        id={id}
        multiple
        value={props.value}
        input={<OutlinedInput notched label={props.label} />}
        onChange={event => props.onChange(event.target.value as T[])}
        renderValue={selected =>
          (selected as T[]).length ? (selected as T[]).join(', ') : 'any'
        }
        displayEmpty
      >
        {props.options.map(option => (
          <MenuItem key={option} value={option}>
            <Checkbox
              size="small"
              checked={props.value.includes(option)}
              inputProps={{ 'aria-hidden': true }}
              tabIndex={-1}
            />
            <ListItemText primary={option} />
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
