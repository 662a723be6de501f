import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { operabilityApiRef } from '../../api';
import {
  createTestClient,
  emptyEntityHandlers,
  TEST_BASE_URL,
  testComponent,
  testIncident,
  testSloSummary,
} from '../../__testUtils__';
import { sloEditorRouteRef } from '../../routes';
import { EntityOperabilityContent } from './EntityOperabilityContent';
import { TIME } from '@airworthy/plugin-operability-common';

const { MINUTE, HOUR, DAY } = TIME;

const server = setupServer();
registerMswTestHooks(server);

const ENTITY_BASE = `${TEST_BASE_URL}/entities/component/default/jupyterhub`;

/** The series queries the tab sent, in order. */
let seriesQueries: URLSearchParams[] = [];
let incidentQueries: URLSearchParams[] = [];

function answerWithOneSlo(options: { seriesStatus?: number } = {}) {
  seriesQueries = [];
  incidentQueries = [];
  const now = Date.now();
  server.use(
    http.get(`${ENTITY_BASE}/slos`, () =>
      HttpResponse.json({
        entityRef: 'component:default/jupyterhub',
        items: [testSloSummary()],
        errors: [],
      }),
    ),
    http.get(`${ENTITY_BASE}/incidents`, ({ request }) => {
      incidentQueries.push(new URL(request.url).searchParams);
      return HttpResponse.json({
        entityRef: 'component:default/jupyterhub',
        items: [
          testIncident(1, {
            title: '<img src=x onerror="alert(1)"> Hub down',
            startedAt: new Date(now - 2 * DAY).toISOString(),
            resolvedAt: new Date(now - 2 * DAY + 65 * MINUTE).toISOString(),
            budgetCost: [
              {
                sloId: 'slo-hub',
                sloRef: 'jupyterhub-availability',
                name: 'jupyterhub-availability',
                target: 0.99,
                period: '28d',
                from: new Date(now - 2 * DAY).toISOString(),
                to: new Date(now - 2 * DAY + HOUR).toISOString(),
                good: 0,
                total: 60,
                share: 0.0744,
              },
            ],
          }),
        ],
        totalItems: 1,
        offset: 0,
        limit: 100,
      });
    }),
    http.get(`${TEST_BASE_URL}/slos/slo-hub/series`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      seriesQueries.push(query);
      if (options.seriesStatus) {
        return HttpResponse.json(
          { error: { name: 'Error', message: 'SLI store unavailable' } },
          { status: options.seriesStatus },
        );
      }
      const from = Date.parse(query.get('from')!);
      const to = Date.parse(query.get('to')!);
      const step = (to - from) / 4;
      const at = (i: number) => from + i * step;
      return HttpResponse.json({
        sloId: 'slo-hub',
        from: query.get('from'),
        to: query.get('to'),
        resolutionMs: 5 * MINUTE,
        window: query.get('window'),
        budgetRemaining: [
          { t: at(0), v: 0.8 },
          { t: at(1), v: 0.7 },
          { t: at(2), v: null },
          { t: at(3), v: 0.5 },
          { t: at(4), v: 0.48 },
        ],
        burnRate: [
          { t: at(0), v: 0.5 },
          { t: at(2), v: 7 },
          { t: at(4), v: 1.67 },
        ],
        sli: [],
      });
    }),
  );
}

function renderTab(options: { withEditor?: boolean } = {}) {
  return renderInTestApp(
    <TestApiProvider apis={[[operabilityApiRef, createTestClient()]]}>
      <EntityProvider entity={testComponent()}>
        <EntityOperabilityContent />
      </EntityProvider>
    </TestApiProvider>,
    options.withEditor
      ? { mountedRoutes: { '/operability/slos': sloEditorRouteRef } }
      : undefined,
  );
}

function spanOf(query: URLSearchParams): number {
  return Date.parse(query.get('to')!) - Date.parse(query.get('from')!);
}

describe('EntityOperabilityContent', () => {
  it('shows budget burn-down with forecast, burn rate with alert lines, and incidents with their cost', async () => {
    answerWithOneSlo();
    await renderTab();

    const budgetChart = await screen.findByRole('img', {
      name: /^Error budget remaining of JupyterHub availability/,
    });
    // Points without data are dropped; the first and last of the range are said.
    expect(budgetChart.getAttribute('aria-label')).toMatch(
      /: 80% at .*, now 48%; lowest 48% at .*, highest 80% at/,
    );
    // testSloSummary burns at 1.67x: 47.9% of 28 days' budget lasts 28d x 0.479 / 1.67 = 8.05d.
    expect(budgetChart.getAttribute('aria-label')).toContain(
      "At the last hour's burn rate the budget runs out in 8d 1h 12m",
    );

    // Over 28 days the burn rate is shown over 6h, where two alerts have their lines.
    expect(seriesQueries).toHaveLength(1);
    expect(seriesQueries[0].get('window')).toBe('6h');
    expect(spanOf(seriesQueries[0])).toBe(28 * DAY);
    const burnChart = screen.getByRole('img', {
      name: /^Burn rate over 6h of JupyterHub availability/,
    });
    expect(burnChart.getAttribute('aria-label')).toContain('highest 7× at');
    expect(burnChart.getAttribute('aria-label')).toContain(
      'Alerts: page 5.6× (6h and 30m), ticket 0.93× (3d and 6h).',
    );

    // The incidents of the range were asked for once, and the one found is listed as text.
    expect(incidentQueries).toHaveLength(1);
    expect(spanOf(incidentQueries[0])).toBe(28 * DAY);
    const table = screen.getByRole('table', {
      name: 'Incidents and the budget of JupyterHub availability',
    });
    const row = within(table).getAllByRole('row')[1];
    expect(
      within(row).getByText('<img src=x onerror="alert(1)"> Hub down'),
    ).toBeInTheDocument();
    expect(within(row).getByText('1h 5m')).toBeInTheDocument();
    expect(within(row).getByText('7.4%')).toBeInTheDocument();
    expect(document.querySelector('img[src="x"]')).toBeNull();
  });

  it('refetches the range and the burn-rate window the user picks', async () => {
    answerWithOneSlo();
    await renderTab();
    await screen.findByRole('img', { name: /^Burn rate over 6h/ });

    await userEvent.click(screen.getByRole('button', { name: 'Last 7d' }));
    await screen.findByRole('img', { name: /^Burn rate over 1h/ });
    expect(screen.getByRole('button', { name: 'Last 7d' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(spanOf(seriesQueries[seriesQueries.length - 1])).toBe(7 * DAY);
    expect(spanOf(incidentQueries[incidentQueries.length - 1])).toBe(7 * DAY);
    expect(
      screen
        .getByRole('img', { name: /^Burn rate over 1h/ })
        .getAttribute('aria-label'),
    ).toContain('Alerts: page 13.44× (1h and 5m).');

    await userEvent.click(
      screen.getByRole('button', { name: /Burn-rate window/ }),
    );
    await userEvent.click(await screen.findByRole('option', { name: '30m' }));
    await screen.findByRole('img', { name: /^Burn rate over 30m/ });
    expect(seriesQueries[seriesQueries.length - 1].get('window')).toBe('30m');
    expect(
      screen.getByText(/the alerts that use the 30m window fire/),
    ).toBeInTheDocument();
  });

  it('says what failed when the series cannot be loaded, and keeps the incidents', async () => {
    answerWithOneSlo({ seriesStatus: 503 });
    await renderTab();

    expect(
      (await screen.findAllByText(/SLI store unavailable/)).length,
    ).toBeGreaterThan(0);
    await waitFor(() =>
      expect(
        screen.getByText('<img src=x onerror="alert(1)"> Hub down'),
      ).toBeInTheDocument(),
    );
    expect(screen.queryByRole('img', { name: /^Burn rate/ })).toBeNull();
  });

  it('tells the user how to add SLOs when the entity has none', async () => {
    server.use(...emptyEntityHandlers);
    await renderTab();

    expect(
      await screen.findByText('No SLOs for this component yet'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Last 28d' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(
      screen.queryByRole('link', { name: 'Or define an SLO in Backstage' }),
    ).toBeNull();
  });

  it('links to the SLO editor for the entity when the app mounts it', async () => {
    server.use(...emptyEntityHandlers);
    await renderTab({ withEditor: true });

    expect(
      await screen.findByRole('link', {
        name: 'Or define an SLO in Backstage',
      }),
    ).toHaveAttribute(
      'href',
      '/operability/slos/new?entity=component%3Adefault%2Fjupyterhub',
    );
  });
});
