import {
  ANNOTATION_SLO_FILES,
  TIME,
} from '@airworthy/plugin-operability-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { operabilityApiRef } from '../../api';
import {
  createTestClient,
  TEST_BASE_URL,
  testComponent,
  testSloSummary,
} from '../../__testUtils__';
import { sloEditorRouteRef } from '../../routes';
import { EntitySloCard } from './EntitySloCard';

const server = setupServer();
registerMswTestHooks(server);

const slosUrl = `${TEST_BASE_URL}/entities/component/default/jupyterhub/slos`;

function answerNoSlos() {
  server.use(
    http.get(slosUrl, () =>
      HttpResponse.json({
        entityRef: 'component:default/jupyterhub',
        items: [],
        errors: [],
      }),
    ),
  );
}

function renderCard(
  annotations: Record<string, string> = {},
  options: { withEditor?: boolean } = {},
) {
  return renderInTestApp(
    <TestApiProvider apis={[[operabilityApiRef, createTestClient()]]}>
      <EntityProvider entity={testComponent(annotations)}>
        <EntitySloCard />
      </EntityProvider>
    </TestApiProvider>,
    options.withEditor
      ? { mountedRoutes: { '/operability/slos': sloEditorRouteRef } }
      : undefined,
  );
}

describe('EntitySloCard', () => {
  it('tells the user which annotation to add when the entity has no SLOs', async () => {
    answerNoSlos();
    await renderCard();

    expect(
      await screen.findByText('No SLOs for this component yet'),
    ).toBeInTheDocument();
    const snippet = screen.getByText((_, el) =>
      el?.tagName === 'CODE' &&
      el.textContent?.includes(`${ANNOTATION_SLO_FILES}: slos.yaml`)
        ? true
        : false,
    );
    expect(snippet.textContent).toContain('name: jupyterhub');
    expect(screen.getByRole('button', { name: /copy/i })).toBeInTheDocument();
  });

  it('explains that the named files hold no SLO yet when the annotation is there', async () => {
    answerNoSlos();
    await renderCard({ [ANNOTATION_SLO_FILES]: 'slos/a.yaml, slos/b.yaml' });

    expect(await screen.findByText('No SLOs found yet')).toBeInTheDocument();
    expect(screen.getByText('slos/a.yaml, slos/b.yaml')).toBeInTheDocument();
  });

  it('shows each SLO with its status, budget, alert rows and sparkline', async () => {
    const seriesQueries: URLSearchParams[] = [];
    server.use(
      http.get(slosUrl, () =>
        HttpResponse.json({
          entityRef: 'component:default/jupyterhub',
          errors: [],
          items: [
            testSloSummary({ status: 'warning', alertSeverity: 'ticket' }),
          ],
        }),
      ),
      http.get(`${TEST_BASE_URL}/slos/slo-hub/series`, ({ request }) => {
        seriesQueries.push(new URL(request.url).searchParams);
        return HttpResponse.json({
          sloId: 'slo-hub',
          from: '2026-11-18T12:00:00Z',
          to: '2026-11-25T12:00:00Z',
          resolutionMs: TIME.MINUTE,
          window: '1h',
          budgetRemaining: [
            { t: 1, v: 0.62 },
            { t: 2, v: 0.55 },
            { t: 3, v: 0.479 },
          ],
          burnRate: [],
          sli: [],
        });
      }),
    );
    await renderCard({}, { withEditor: true });

    const slo = await screen.findByRole('region', {
      name: 'JupyterHub availability',
    });
    expect(within(slo).getByText('Warning')).toBeInTheDocument();
    expect(
      within(slo).getByTitle(/an exhausted budget blocks deploys/),
    ).toHaveTextContent('enforcing');
    expect(slo).toHaveTextContent('98% over 28d · from the repository');
    expect(slo).toHaveTextContent(
      'Budget: 47.9% left (6h 26m of 13h 26m) · runs out in 8d 1h',
    );
    expect(
      within(slo).getByRole('progressbar', {
        name: 'Budget remaining of JupyterHub availability',
      }),
    ).toHaveAttribute('aria-valuenow', '48');

    const rows = within(
      within(slo).getByRole('table', { name: /Burn-rate alerts/ }),
    ).getAllByRole('row');
    // Burn rates (×) everywhere, the error ratio as a detail; the firing row stands out.
    expect(rows[1]).toHaveTextContent(
      'page1h and 5m13.44× (26.88% errors)1.67× / 0×quiet',
    );
    expect(rows[2]).toHaveTextContent(
      'ticket3d and 6h0.93× (1.867% errors)1.5× / 1.25×fires',
    );

    expect(
      await within(slo).findByRole('img', {
        name: 'Budget remaining over the last 7 days: from 62% to 47.9%',
      }),
    ).toBeInTheDocument();
    expect(seriesQueries[0].get('from')).toBe('2026-11-18T12:00:00.000Z');

    await userEvent.click(
      within(slo).getByRole('button', { name: /How this was computed/ }),
    );
    const steps = within(slo).getByRole('table', {
      name: 'How the budget was computed',
    });
    expect(
      within(steps).getByRole('row', { name: /Allowed bad events/ }),
    ).toHaveTextContent('(1 − target) × total806.4');
    expect(
      within(steps).getByRole('row', { name: /^Budget spent/ }),
    ).toHaveTextContent('52.08%');

    expect(
      within(slo).getByRole('link', { name: 'View definition' }),
    ).toHaveAttribute('href', '/operability/slos/slo-hub/edit');
    expect(screen.getByRole('link', { name: 'New SLO' })).toHaveAttribute(
      'href',
      '/operability/slos/new?entity=component%3Adefault%2Fjupyterhub',
    );
  });

  it('shows the problems of the SLO files with their file and field', async () => {
    server.use(
      http.get(slosUrl, () =>
        HttpResponse.json({
          entityRef: 'component:default/jupyterhub',
          items: [testSloSummary({ status: 'no-data', budget: undefined })],
          errors: [
            {
              file: 'https://github.com/operate-first/apps/blob/master/slos/hub.yaml',
              document: 1,
              path: 'spec.objectives[0].target',
              message: 'must be a ratio in [0, 1), e.g. 0.995',
            },
          ],
        }),
      ),
    );
    await renderCard();
    expect(
      await screen.findByText(/1 problem in the SLO files/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /slos\/hub.yaml/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/operate-first/apps/blob/master/slos/hub.yaml',
    );
    expect(
      screen.getByText('document 2, spec.objectives[0].target'),
    ).toBeInTheDocument();
    expect(screen.getByText(/must be a ratio in \[0, 1\)/)).toBeInTheDocument();
    expect(screen.getByText(/no data yet/)).toBeInTheDocument();
    // Without the editor page mounted, the card links to no editor.
    expect(screen.queryByRole('link', { name: 'New SLO' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'View definition' })).toBeNull();
  });

  it('shows the backend error instead of an empty state', async () => {
    server.use(
      http.get(slosUrl, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: 'No entity component:default/jupyterhub',
            },
            request: { method: 'GET', url: '/x' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await renderCard();

    expect(
      (await screen.findAllByText(/No entity component:default\/jupyterhub/))
        .length,
    ).toBeGreaterThan(0);
    expect(
      screen.queryByText('No SLOs for this component yet'),
    ).not.toBeInTheDocument();
  });
});
