import TextField from '@material-ui/core/TextField';
import { useEffect, useState } from 'react';
import { useUniqueId } from '../../hooks/useUniqueId';

/** A filter typed as a comma-separated list, applied on Enter or when the field is left. */
export function ListFilter(props: {
  label: string;
  placeholder: string;
  value: string[];
  onChange: (value: string[]) => void;
}) {
  const id = useUniqueId('operability-filter');
  const [text, setText] = useState(props.value.join(', '));
  const joined = props.value.join(', ');
  useEffect(() => setText(joined), [joined]);
  const apply = () =>
    props.onChange(
      text
        .split(',')
        .map(v => v.trim())
        .filter(Boolean),
    );
  return (
    <TextField
      id={id}
      variant="outlined"
      size="small"
      label={props.label}
      placeholder={props.placeholder}
      value={text}
      onChange={e => setText(e.target.value)}
      onBlur={apply}
      onKeyDown={e => {
        if (e.key === 'Enter') apply();
      }}
      style={{ minWidth: 180 }}
    />
  );
}
