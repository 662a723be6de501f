import {
  ANNOTATION_GITHUB_INCIDENTS,
  type Incident,
  type IncidentStatsResponse,
} from '@airworthy/plugin-operability-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { operabilityApiRef } from '../../api';
import {
  createTestClient,
  TEST_BASE_URL,
  testComponent,
  testIncident,
  testIncidentRecord,
} from '../../__testUtils__';
import { EntityIncidentsCard } from './EntityIncidentsCard';

/** A script URL, which must never become a link. */
const SCRIPT_URL = `${'javascript'}:alert(1)`;

const server = setupServer();
registerMswTestHooks(server);

const base = `${TEST_BASE_URL}/entities/component/default/jupyterhub/incidents`;

const incident = testIncident;

const stats: IncidentStatsResponse = {
  entityRef: 'component:default/jupyterhub',
  from: '2026-11-01T00:00:00Z',
  to: '2026-11-29T00:00:00Z',
  count: 3,
  records: 4,
  countsBySeverity: { critical: 2, warning: 1, info: 1, unknown: 0 },
  countsByStatus: { open: 1, acknowledged: 0, resolved: 3 },
  countsBySource: { github: 1, alertmanager: 2, manual: 1 },
  mtta: { count: 2, meanSeconds: 300, medianSeconds: 300 },
  mttr: { count: 3, meanSeconds: 3400, medianSeconds: 3600 },
  incidentMinutes: 220,
  timeBetweenIncidents: { count: 3, meanSeconds: 50000, medianSeconds: 40000 },
  postMortemCoverage: {
    severities: ['critical'],
    eligible: 2,
    covered: 1,
    ratio: 0.5,
  },
  budgetCost: [],
};

/** Answers list requests from `all`, filtered and paged like the backend; records queries. */
function serve(all: Incident[]) {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get(`${base}/stats`, () => HttpResponse.json(stats)),
    http.get(base, ({ request }) => {
      const params = new URL(request.url).searchParams;
      queries.push(params);
      const severity = params.getAll('severity');
      const items = all.filter(
        i => severity.length === 0 || severity.includes(i.severity),
      );
      const offset = Number(params.get('offset') ?? 0);
      const limit = Number(params.get('limit') ?? 20);
      return HttpResponse.json({
        entityRef: 'component:default/jupyterhub',
        items: items.slice(offset, offset + limit),
        totalItems: items.length,
        offset,
        limit,
      });
    }),
  );
  return queries;
}

function renderCard(
  annotations: Record<string, string> = {},
  canWrite = false,
) {
  const permissionApi = mockApis.permission({
    authorize: request =>
      canWrite &&
      request.permission.name === 'operability.incident.write' &&
      'resourceRef' in request &&
      request.resourceRef === 'component:default/jupyterhub'
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [operabilityApiRef, createTestClient()],
        [permissionApiRef, permissionApi],
      ]}
    >
      <EntityProvider entity={testComponent(annotations)}>
        <EntityIncidentsCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityIncidentsCard', () => {
  it('shows MTTA, MTTR and the incidents, with untrusted text as text and only http(s) links', async () => {
    serve([
      incident(1, {
        title: '<img src=x onerror="alert(1)"> JupyterhubErrorBudgetBurn',
        links: {
          issue: SCRIPT_URL,
          postMortem: 'https://github.com/operate-first/sre/pm/1',
        },
        budgetCost: [
          {
            sloId: 's',
            sloRef: 'jupyterhub-availability',
            sloDisplayName: 'JupyterHub availability',
            name: 'jupyterhub-availability',
            target: 0.99,
            from: '2026-11-10T00:00:00Z',
            to: '2026-11-10T01:00:00Z',
            period: '28d',
            good: 0,
            total: 60,
            share: 0.0744,
          },
        ],
      }),
    ]);
    await renderCard();

    const mtta = await screen.findByRole('group', { name: 'MTTA' });
    expect(mtta).toHaveTextContent('5m');
    expect(mtta).toHaveTextContent('median 5m, 2 acknowledged incidents');
    expect(screen.getByRole('group', { name: 'MTTR' })).toHaveTextContent(
      '56m 40s',
    );
    expect(
      screen.getByRole('group', { name: 'Post-mortems' }),
    ).toHaveTextContent('50%1 of 2 critical');
    // Two of the four records reported one outage: three incidents.
    expect(screen.getByRole('group', { name: 'Incidents' })).toHaveTextContent(
      '34 records, 2 critical, 3 resolved',
    );

    // One period for the figures and the list, named.
    expect(
      screen.getByText(
        'Incidents that started in the last 28 days (2026-11-01 to 2026-11-29)',
      ),
    ).toBeInTheDocument();
    const title = await screen.findByText(
      (_, el) =>
        el?.tagName === 'P' &&
        el.textContent ===
          '<img src=x onerror="alert(1)"> JupyterhubErrorBudgetBurn',
    );
    expect(title.querySelector('img')).toBeNull();
    // The alert name may wrap between its words, never inside one.
    expect(title.innerHTML).toContain(
      'Jupyterhub<wbr>Error<wbr>Budget<wbr>Burn',
    );
    expect(document.querySelector('img[src="x"]')).toBeNull();
    expect(screen.getByRole('link', { name: /Post-mortem/ })).toHaveAttribute(
      'href',
      'https://github.com/operate-first/sre/pm/1',
    );
    expect(screen.queryByRole('link', { name: /Issue/ })).toBeNull();
    expect(document.querySelector('a[href^="javascript"]')).toBeNull();
    expect(
      screen.getByText('7.4% of JupyterHub availability (28d)'),
    ).toBeInTheDocument();
    expect(screen.getByText('1h 5m')).toBeInTheDocument();
    expect(screen.getAllByRole('columnheader').map(h => h.textContent)).toEqual(
      ['Incident', 'Started', 'Duration', 'Budget cost'],
    );
  });

  it('lists the incidents that started in the period the figures cover', async () => {
    const queries = serve([incident(1)]);
    await renderCard();
    expect(await screen.findByText('Incident 1')).toBeInTheDocument();
    expect(queries).toHaveLength(1);
    expect(queries[0].get('from')).toBe(stats.from);
    expect(queries[0].get('to')).toBe(stats.to);
    expect(queries[0].get('match')).toBe('started');
  });

  it('lists every incident, newest first, when the statistics fail', async () => {
    const queries = serve([incident(1)]);
    server.use(
      http.get(`${base}/stats`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'statistics unavailable' } },
          { status: 500 },
        ),
      ),
    );
    await renderCard();
    expect(await screen.findByText('Incident 1')).toBeInTheDocument();
    expect(screen.getByText('All incidents, newest first')).toBeInTheDocument();
    expect(queries.at(-1)?.get('from')).toBeNull();
    expect(queries.at(-1)?.get('match')).toBeNull();
  });

  it('filters by severity on the server and starts again at the first page', async () => {
    const queries = serve([
      ...Array.from({ length: 7 }, (_, i) => incident(i + 1)),
      incident(8, { severity: 'warning', title: 'Slow spawns' }),
    ]);
    await renderCard();
    expect(await screen.findByText('Incident 1')).toBeInTheDocument();
    expect(screen.getByText('1-5 of 8')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    expect(await screen.findByText('Incident 6')).toBeInTheDocument();
    expect(queries.at(-1)?.get('offset')).toBe('5');

    fireEvent.mouseDown(screen.getByRole('button', { name: /Severity/ }));
    const listbox = within(screen.getByRole('listbox'));
    await userEvent.click(listbox.getByRole('option', { name: /warning/ }));

    expect(await screen.findByText('Slow spawns')).toBeInTheDocument();
    await waitFor(() =>
      expect(queries.at(-1)?.getAll('severity')).toEqual(['warning']),
    );
    expect(queries.at(-1)?.get('offset')).toBe('0');
    expect(screen.getByText('1-1 of 1')).toBeInTheDocument();
  });

  it('tells the user which annotation to add when no source is named', async () => {
    serve([]);
    await renderCard();
    expect(
      await screen.findByText('No incident source for this component yet'),
    ).toBeInTheDocument();
    const snippet = screen.getByText(
      (_, el) =>
        el?.tagName === 'CODE' &&
        Boolean(
          el.textContent?.includes(
            `${ANNOTATION_GITHUB_INCIDENTS}: my-org/my-repo:incident`,
          ),
        ),
    );
    expect(snippet).toBeInTheDocument();
  });

  it('says that none were recorded when a source is named', async () => {
    serve([]);
    await renderCard({
      [ANNOTATION_GITHUB_INCIDENTS]: 'operate-first/operations:incident',
    });
    expect(
      await screen.findByText(
        /No incident started in the last 28 days \(2026-11-01 to 2026-11-29\)/,
      ),
    ).toBeInTheDocument();
  });

  it('lists the records of an incident, and offers no merge or split without the permission', async () => {
    serve([
      incident(1, {
        title: 'Networking issues on the MOC clusters',
        records: [
          testIncidentRecord(11, {
            source: 'alertmanager',
            sourceKey: 'fp1@2026-11-11T20:02:00.000Z',
            title: 'ArgocdErrorBudgetBurn',
          }),
          testIncidentRecord(12, {
            source: 'github',
            title: 'Networking issues on the MOC clusters',
            links: {
              issue: 'https://github.com/operate-first/operations/issues/428',
            },
          }),
          testIncidentRecord(13, {
            source: 'pagerduty',
            sourceKey: 'Q1ARGO',
            title: 'Networking issues (argocd)',
            decision: { by: 'user:default/sre', at: '2026-11-12T09:00:00Z' },
          }),
        ],
      }),
    ]);
    await renderCard();
    expect(
      await screen.findByText(/alertmanager · github · pagerduty/),
    ).toHaveTextContent('grouped by a person');
    const toggle = screen.getByRole('button', { name: 'Show 3 records' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(toggle);
    const records = within(
      await screen.findByRole('table', {
        name: 'Records of Networking issues on the MOC clusters',
      }),
    );
    expect(records.getByText('ArgocdErrorBudgetBurn')).toBeInTheDocument();
    expect(
      records.getByRole('link', { name: /Networking issues on the MOC/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/operate-first/operations/issues/428',
    );
    expect(
      records.getByText(/placed by user:default\/sre/),
    ).toBeInTheDocument();
    expect(records.getAllByText('by time and links')).toHaveLength(2);
    expect(screen.queryByRole('button', { name: /Split/ })).toBeNull();
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.queryByRole('button', { name: /Merge/ })).toBeNull();
  });

  it('merges the selected incidents into the earliest and splits a record out, then loads again', async () => {
    const early = incident(1, { startedAt: '2026-11-03T10:00:00Z' });
    const late = incident(2, {
      title: 'Hub slow',
      startedAt: '2026-11-03T12:00:00Z',
    });
    const merged = incident(1, {
      records: [...early.records, ...late.records],
    });
    let current = [late, early];
    const calls: Array<{ url: string; body: unknown }> = [];
    serve(current);
    server.use(
      http.get(base, () =>
        HttpResponse.json({
          entityRef: 'component:default/jupyterhub',
          items: current,
          totalItems: current.length,
          offset: 0,
          limit: 5,
        }),
      ),
      http.post(`${TEST_BASE_URL}/incidents/:id/merge`, async ({ request }) => {
        calls.push({ url: request.url, body: await request.json() });
        current = [merged];
        return HttpResponse.json(merged);
      }),
      http.post(`${TEST_BASE_URL}/incidents/:id/split`, async ({ request }) => {
        calls.push({ url: request.url, body: await request.json() });
        current = [late, early];
        return HttpResponse.json({ incident: early, split: late });
      }),
    );
    await renderCard({}, true);
    await screen.findByText('Hub slow');
    // The permission is asked for after the list loads.
    const merge = await screen.findByRole('button', { name: /Merge/ });
    expect(merge).toBeDisabled();
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select Hub slow to merge' }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select Incident 1 to merge' }),
    );
    expect(merge).toHaveTextContent('Merge 2 selected incidents');
    await userEvent.click(merge);
    expect(
      await screen.findByText(
        'Merged 2 incidents into one of 2 records. Split a record out to undo.',
      ),
    ).toBeInTheDocument();
    expect(calls[0]).toEqual({
      url: `${TEST_BASE_URL}/incidents/${early.id}/merge`,
      body: { incidentId: late.id },
    });
    await waitFor(() => expect(screen.queryByText('Hub slow')).toBeNull());

    await userEvent.click(
      screen.getByRole('button', { name: 'Show 2 records' }),
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: `Split github record ${late.records[0].sourceKey} out`,
      }),
    );
    expect(
      await screen.findByText(
        /Split the record out into an incident of its own/,
      ),
    ).toBeInTheDocument();
    expect(calls[1]).toEqual({
      url: `${TEST_BASE_URL}/incidents/${early.id}/split`,
      body: { recordId: late.records[0].id },
    });
    expect(await screen.findByText('Hub slow')).toBeInTheDocument();
  });

  it('says why a merge was refused', async () => {
    serve([incident(1), incident(2, { title: 'Other' })]);
    server.use(
      http.post(`${TEST_BASE_URL}/incidents/:id/merge`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message: 'only incidents of one entity can be merged',
            },
            request: { method: 'POST', url: '/x' },
            response: { statusCode: 409 },
          },
          { status: 409 },
        ),
      ),
    );
    await renderCard({}, true);
    await userEvent.click(
      await screen.findByRole('checkbox', { name: 'Select Other to merge' }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select Incident 1 to merge' }),
    );
    await userEvent.click(screen.getByRole('button', { name: /Merge/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'only incidents of one entity can be merged',
    );
  });

  it('shows the backend error', async () => {
    server.use(
      http.get(`${base}/stats`, () => HttpResponse.json(stats)),
      http.get(base, () =>
        HttpResponse.json(
          {
            error: { name: 'InputError', message: 'limit must be at most 100' },
            request: { method: 'GET', url: '/x' },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    await renderCard();
    expect(
      (await screen.findAllByText(/limit must be at most 100/)).length,
    ).toBeGreaterThan(0);
  });
});
