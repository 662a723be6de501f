import {
  type OperabilityApi,
  SLO_STATUSES,
  type SloStatus,
} from '@airworthy/plugin-operability-common';
import type { Entity } from '@backstage/catalog-model';
import type { TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { stringifyEntityRef } from '@backstage/catalog-model';
import CircularProgress from '@material-ui/core/CircularProgress';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { operabilityApiRef } from '../../api';
import { isOperabilityRelevant } from '../../filters';
import { errorMessage } from '../../lib/errors';
import { SloStatusChip, ToneChip } from '../common';

/** A row of the catalog's entity table: the columns only read its entity. @public */
export interface OperabilityCatalogRow {
  entity: Entity;
}

function Muted(props: { text: string; title?: string }) {
  return (
    <Typography variant="body2" color="textSecondary" title={props.title}>
      {props.text}
    </Typography>
  );
}

function Loading(props: { what: string }) {
  return <CircularProgress size={14} aria-label={`Loading ${props.what}`} />;
}

/** One call of the operability API about the row's entity. */
function useEntityCall<T>(
  entity: Entity,
  call: (api: OperabilityApi, entityRef: string) => Promise<T>,
) {
  const api = useApi(operabilityApiRef);
  const entityRef = stringifyEntityRef(entity);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useAsync(() => call(api, entityRef), [api, entityRef]);
}

/** The worst status of an entity's SLOs and how many there are. */
export function EntitySloStatusCell(props: { entity: Entity }) {
  const { loading, error, value } = useEntityCall(props.entity, (api, ref) =>
    api.getEntitySlos(ref),
  );
  if (loading) return <Loading what="SLO status" />;
  if (error) return <Muted text="Unavailable" title={errorMessage(error)} />;
  const statuses = (value?.items ?? []).map(s => s.status);
  if (statuses.length === 0) return <Muted text="No SLOs" />;
  const worst = SLO_STATUSES.find(s => statuses.includes(s)) as SloStatus;
  const count = statuses.filter(s => s === worst).length;
  return (
    <span
      title={`${count} of ${statuses.length} SLO${
        statuses.length === 1 ? '' : 's'
      } at the worst status`}
    >
      <SloStatusChip status={worst} />{' '}
      <Typography variant="caption" color="textSecondary">
        {count}/{statuses.length}
      </Typography>
    </span>
  );
}

/** An entity's operability score and level. */
export function EntityScoreCell(props: { entity: Entity }) {
  const { loading, error, value } = useEntityCall(props.entity, (api, ref) =>
    api.getEntityScore(ref),
  );
  if (loading) return <Loading what="score" />;
  if (error instanceof ResponseError && error.response.status === 404) {
    return <Muted text="Not scored" />;
  }
  if (error || !value) {
    return <Muted text="Unavailable" title={error && errorMessage(error)} />;
  }
  if (value.score === null) return <Muted text="Not scored" />;
  return (
    <span title={`Level ${value.level?.title ?? 'none'}`}>
      <Typography component="span" variant="body2">
        {value.score.toFixed(1)}
      </Typography>{' '}
      {value.level && <ToneChip label={value.level.title} tone="neutral" />}
    </span>
  );
}

/**
 * Columns for the legacy catalog's entity table (`CatalogIndexPage`'s `columns`): the worst
 * SLO status of each entity and its operability score. Entities Airworthy does not cover
 * (see `isOperabilityRelevant`) show a dash without asking the backend.
 *
 * @example
 * ```tsx
 * <CatalogIndexPage
 *   columns={ctx => [
 *     ...CatalogTable.defaultColumnsFunc(ctx),
 *     ...createOperabilityCatalogColumns<CatalogTableRow>(),
 *   ]}
 * />
 * ```
 * @public
 */
export function createOperabilityCatalogColumns<
  Row extends OperabilityCatalogRow = OperabilityCatalogRow,
>(): TableColumn<Row>[] {
  const relevant = (row: Row) => isOperabilityRelevant(row.entity);
  return [
    {
      title: 'SLO status',
      sorting: false,
      render: row =>
        relevant(row) ? (
          <EntitySloStatusCell entity={row.entity} />
        ) : (
          <Muted text="—" />
        ),
    },
    {
      title: 'Operability score',
      sorting: false,
      render: row =>
        relevant(row) ? (
          <EntityScoreCell entity={row.entity} />
        ) : (
          <Muted text="—" />
        ),
    },
  ];
}
