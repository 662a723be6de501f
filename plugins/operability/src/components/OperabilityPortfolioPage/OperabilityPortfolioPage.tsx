import type { PortfolioEntity } from '@airworthy/plugin-operability-common';
import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { operabilityApiRef } from '../../api';
import { useAsyncContent } from '../../hooks/useAsyncContent';
import { formatNumber } from '../../lib/format';
import {
  formatScore,
  MAX_COMPARED,
  toggleCompared,
  viewFromSearch,
  viewToOptions,
  viewToSearch,
  type PortfolioView,
} from '../../lib/portfolio';
import { Comparison } from './Comparison';
import { EntityTable } from './EntityTable';
import { GroupTable } from './GroupTable';
import { LevelChart } from './LevelChart';
import { PortfolioFilters } from './PortfolioFilters';

/**
 * The portfolio of operability scores at `/operability`: every scored entity, filtered, sorted
 * and paged by the server, with group roll-ups, the distribution by level, a comparison of up
 * to five entities and a CSV download. @public
 */
export function OperabilityPortfolioPage() {
  const api = useApi(operabilityApiRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.toString();
  const view = useMemo(
    () => viewFromSearch(new URLSearchParams(search)),
    [search],
  );
  const [compared, setCompared] = useState<PortfolioEntity[]>([]);
  const toggle = (entity: PortfolioEntity) =>
    setCompared(c => toggleCompared(c, entity));

  const setView = (next: Partial<PortfolioView>) => {
    // Any change but paging goes back to the first page.
    const page = next.page ?? 0;
    setSearchParams(viewToSearch({ ...view, ...next, page }), {
      replace: true,
    });
  };

  const state = useAsyncContent(
    () => api.getPortfolio(viewToOptions(view)),
    [api, view],
  );
  // The last answer stays on screen while the next page loads (the entity table shows the
  // progress bar), and above it the error when a load fails.
  const response = state.latest;

  const [csv, downloadCsv] = useAsyncFn(async () => {
    const { limit, offset, ...options } = viewToOptions(view);
    const text = await api.getPortfolioCsv(options);
    const url = URL.createObjectURL(
      new Blob([text], { type: 'text/csv;charset=utf-8' }),
    );
    const a = document.createElement('a');
    a.href = url;
    a.download = `operability-portfolio${
      view.groupBy ? `-by-${view.groupBy}` : ''
    }.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
    return text.split('\n').filter(Boolean).length - 1;
  }, [api, view]);

  return (
    <Page themeId="tool">
      <Header
        title="Operability portfolio"
        subtitle="Operability scores of every project: compare, find who needs help, download"
      />
      <Content>
        <ContentHeader title="">
          <Button
            variant="outlined"
            color="primary"
            onClick={() => downloadCsv()}
            disabled={csv.loading}
          >
            {csv.loading ? 'Preparing CSV…' : 'Download CSV'}
          </Button>
        </ContentHeader>
        {csv.error && <ResponseErrorPanel error={csv.error} />}
        <PortfolioFilters
          view={view}
          levelIds={(response?.levels ?? []).map(l => l.id)}
          onChange={setView}
        />
        {state.error && <ResponseErrorPanel error={state.error} />}
        {!response && state.loading && <Progress />}
        {response && (
          <Grid container spacing={3}>
            <Grid item xs={12} md={5}>
              <InfoCard title="Distribution by level">
                <Typography variant="body2" gutterBottom>
                  {formatNumber(response.summary.count, 0)} entities,{' '}
                  {formatNumber(response.summary.scored, 0)} scored · mean{' '}
                  {formatScore(response.summary.mean)} · median{' '}
                  {formatScore(response.summary.median)}
                </Typography>
                <LevelChart response={response} />
              </InfoCard>
            </Grid>
            <Grid item xs={12} md={7}>
              {compared.length > 0 ? (
                <Comparison
                  compared={compared}
                  levels={response.levels}
                  onRemove={toggle}
                />
              ) : (
                <InfoCard title="Compare">
                  <Typography variant="body2">
                    Tick up to {MAX_COMPARED} entities in the table to compare
                    them side by side.
                  </Typography>
                </InfoCard>
              )}
            </Grid>
            {response.groups && (
              <Grid item xs={12}>
                <InfoCard title={`By ${response.groupBy}`}>
                  <GroupTable response={response} />
                </InfoCard>
              </Grid>
            )}
            <Grid item xs={12}>
              <EntityTable
                response={response}
                view={view}
                loading={state.loading}
                compared={compared}
                onCompare={toggle}
                onChange={setView}
              />
            </Grid>
          </Grid>
        )}
      </Content>
    </Page>
  );
}
