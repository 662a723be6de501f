import type { SloSummary } from '@airworthy/plugin-operability-common';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { operabilityApiRef } from '../../api';
import { SloEmptyState } from '../SloEmptyState';

const columns: TableColumn<SloSummary>[] = [
  { title: 'SLO', render: slo => slo.displayName ?? slo.name },
  {
    title: 'Objective',
    render: slo => `${+(slo.target * 100).toFixed(4)}% over ${slo.period}`,
  },
  { title: 'Status', field: 'status' },
];

/** The SLOs of the current entity. @public */
export function EntitySloCard() {
  const { entity } = useEntity();
  const api = useApi(operabilityApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.getEntitySlos(entityRef),
    [api, entityRef],
  );

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value || value.items.length === 0) {
    content = <SloEmptyState entity={entity} />;
  } else {
    content = (
      <Table
        options={{
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
        columns={columns}
        data={value.items}
      />
    );
  }

  return <InfoCard title="Service level objectives">{content}</InfoCard>;
}
