import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';

/** A figure with its label and a line of detail, for the rows of tiles on cards. */
export function StatTile(props: {
  label: string;
  value: ReactNode;
  detail?: ReactNode;
}) {
  return (
    <Box minWidth={120} flex="1 1 120px" role="group" aria-label={props.label}>
      <Typography variant="overline" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="h5" component="div">
        {props.value}
      </Typography>
      {props.detail ? (
        <Typography variant="caption" color="textSecondary" component="div">
          {props.detail}
        </Typography>
      ) : null}
    </Box>
  );
}
