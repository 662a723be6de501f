import { stringifyEntityRef } from '@backstage/catalog-model';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { operabilityApiRef } from '../../api';
import { useAsyncContent } from '../../hooks/useAsyncContent';
import { useSloCreateLink } from '../../hooks/useSloCreateLink';
import { formatInstant } from '../../lib/format';
import { rangeBounds, type SeriesRange } from '../../lib/series';
import { SloFileErrors } from '../common';
import { NoSlos } from './NoSlos';
import { RangeToggle } from './RangeToggle';
import { SloPanel } from './SloPanel';

/** The incidents fetched for the range: the API's largest page. */
const INCIDENT_LIMIT = 100;

/**
 * The Operability tab of an entity: per SLO, the budget burn-down over the chosen range with the
 * forecast of exhaustion, the burn rate with the alert thresholds, and the incidents as shaded
 * spans with the budget each cost. @public
 */
export function EntityOperabilityContent() {
  const { entity } = useEntity();
  const api = useApi(operabilityApiRef);
  const entityRef = stringifyEntityRef(entity);
  const createLink = useSloCreateLink(entityRef);
  const [range, setRange] = useState<SeriesRange>('28d');
  // Fixed per range choice, so that re-renders do not refetch.
  const bounds = useMemo(() => rangeBounds(range, Date.now()), [range]);

  const slos = useAsyncContent(
    () => api.getEntitySlos(entityRef),
    [api, entityRef],
  );
  const incidents = useAsync(
    () =>
      api.getEntityIncidents(entityRef, {
        from: bounds.from,
        to: bounds.to,
        limit: INCIDENT_LIMIT,
      }),
    [api, entityRef, bounds.from, bounds.to],
  );

  const content = slos.render(value =>
    value.items.length === 0 ? (
      <NoSlos entity={entity} errors={value.errors} createLink={createLink} />
    ) : (
      <>
        <SloFileErrors errors={value.errors} />
        {incidents.error && (
          <Box mb={2}>
            <ResponseErrorPanel
              title="Incidents could not be loaded"
              error={incidents.error}
            />
          </Box>
        )}
        {incidents.value &&
          incidents.value.totalItems > incidents.value.items.length && (
            <Typography variant="body2" color="textSecondary" gutterBottom>
              Showing the {incidents.value.items.length} most recent of{' '}
              {incidents.value.totalItems} incidents in this range.
            </Typography>
          )}
        <Grid container spacing={3} direction="column">
          {value.items.map(slo => (
            <Grid item key={slo.id}>
              <SloPanel
                slo={slo}
                range={range}
                bounds={bounds}
                incidents={incidents.value}
              />
            </Grid>
          ))}
        </Grid>
      </>
    ),
  );

  return (
    <Box>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 16 }}
        mb={2}
      >
        <Typography variant="h5" component="h2">
          Operability
        </Typography>
        <Box flexGrow={1} />
        <RangeToggle value={range} onChange={setRange} />
      </Box>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        {formatInstant(bounds.fromMs)} to {formatInstant(bounds.toMs)}
      </Typography>
      {content}
    </Box>
  );
}
