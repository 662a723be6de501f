import type { SloValidationError } from '@airworthy/plugin-operability-common';
import type { Entity } from '@backstage/catalog-model';
import { InfoCard, Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { SloFileErrors } from '../common';
import { SloEmptyState } from '../SloEmptyState';

/**
 * The Operability tab of an entity without SLOs: the problems of its SLO files, how to name
 * them, and the link to define one in Backstage when the app mounts the editor.
 */
export function NoSlos(props: {
  entity: Entity;
  errors: SloValidationError[];
  createLink?: string;
}) {
  return (
    <InfoCard title="Service level objectives">
      <SloFileErrors errors={props.errors} />
      <SloEmptyState entity={props.entity} />
      {props.createLink && (
        <Box mt={1}>
          <Link to={props.createLink}>Or define an SLO in Backstage</Link>
        </Box>
      )}
    </InfoCard>
  );
}
