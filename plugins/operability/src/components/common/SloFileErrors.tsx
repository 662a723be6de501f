import type { SloValidationError } from '@airworthy/plugin-operability-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { errorLocation, errorsByFile } from '../../lib/sloCard';
import { SafeLink } from './SafeLink';

/** The problems found in the entity's SLO files, by file, each with its place. */
export function SloFileErrors(props: { errors: SloValidationError[] }) {
  if (props.errors.length === 0) return null;
  return (
    <Alert severity="error" style={{ marginBottom: 16 }}>
      <Typography variant="subtitle2" component="div">
        {props.errors.length === 1
          ? '1 problem in the SLO files'
          : `${props.errors.length} problems in the SLO files`}
        : the SLOs of a document with problems are not loaded.
      </Typography>
      {errorsByFile(props.errors).map(group => (
        <Box key={group.file} mt={1}>
          <Typography variant="body2" component="div">
            <SafeLink href={group.file}>
              <code>{group.file}</code>
            </SafeLink>
          </Typography>
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {group.errors.map((error, i) => {
              const where = errorLocation(error);
              return (
                <li key={i}>
                  <Typography variant="body2" component="span">
                    {where ? <code>{where}</code> : null}
                    {where ? ': ' : ''}
                    {error.message}
                  </Typography>
                </li>
              );
            })}
          </ul>
        </Box>
      ))}
    </Alert>
  );
}
