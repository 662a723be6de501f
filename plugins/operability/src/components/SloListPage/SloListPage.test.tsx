import type { SloListResponse } from '@airworthy/plugin-operability-common';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
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
  TEST_BASE_URL,
  testSloSummary,
} from '../../__testUtils__';
import { sloEditorRouteRef } from '../../routes';
import { SloListPage } from './SloListPage';

const server = setupServer();
registerMswTestHooks(server);

let queries: URLSearchParams[] = [];

function answer(): SloListResponse {
  const exhausted = testSloSummary();
  return {
    items: [
      {
        ...exhausted,
        id: 'slo-latency',
        name: 'hub-latency',
        displayName: 'Hub latency',
        status: 'exhausted',
        budget: { ...exhausted.budget!, remaining: -2.495, consumed: 3.495 },
        entityTitle: 'JupyterHub',
        owner: 'group:default/data-science',
      },
      {
        ...testSloSummary(),
        source: 'api',
        entityTitle: 'JupyterHub',
        owner: 'group:default/data-science',
      },
    ],
    totalItems: 2,
    offset: 0,
    limit: 25,
    statusCounts: {
      exhausted: 1,
      critical: 0,
      warning: 1,
      'no-data': 0,
      ok: 0,
    },
  };
}

function renderPage() {
  queries = [];
  server.use(
    http.get(`${TEST_BASE_URL}/slos`, ({ request }) => {
      queries.push(new URL(request.url).searchParams);
      return HttpResponse.json(answer());
    }),
  );
  return renderInTestApp(
    <TestApiProvider apis={[[operabilityApiRef, createTestClient()]]}>
      <SloListPage />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/operability/slos': sloEditorRouteRef,
      },
    },
  );
}

describe('SloListPage', () => {
  it('lists every SLO worst first, with budget, burn rate, source and links', async () => {
    await renderPage();
    const table = await screen.findByRole('table', {
      name: 'Service level objectives',
    });
    expect(queries[0].get('sort')).toBe('status');
    expect(queries[0].get('order')).toBe('desc');
    expect(queries[0].get('limit')).toBe('25');
    expect(screen.getByText(/2 SLOs · 1 Exhausted · 1 Warning/)).toBeVisible();

    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('Exhausted');
    expect(rows[1]).toHaveTextContent('Exhausted (3.5×)');
    expect(rows[1]).toHaveTextContent('repository');
    expect(
      within(rows[1]).getByRole('link', { name: 'JupyterHub' }),
    ).toHaveAttribute('href', '/catalog/default/component/jupyterhub');
    expect(
      within(rows[1]).getByRole('link', { name: 'Charts of Hub latency' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/jupyterhub/operability',
    );
    expect(
      within(rows[1]).getByRole('link', { name: 'Definition of Hub latency' }),
    ).toHaveAttribute('href', '/operability/slos/slo-latency/edit');
    expect(rows[2]).toHaveTextContent('47.9%');
    expect(rows[2]).toHaveTextContent('Backstage (API)');
    expect(
      within(rows[2]).getByRole('link', {
        name: 'Edit JupyterHub availability',
      }),
    ).toBeInTheDocument();
  });

  it('asks the server to sort, filter and search', async () => {
    await renderPage();
    const table = await screen.findByRole('table', {
      name: 'Service level objectives',
    });
    await userEvent.click(
      within(table).getByRole('button', { name: 'Budget left' }),
    );
    await waitFor(() =>
      expect(queries[queries.length - 1].get('sort')).toBe('budget'),
    );
    // The least budget left first.
    expect(queries[queries.length - 1].get('order')).toBe('asc');

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search SLOs and entities' }),
      'hub',
    );
    await waitFor(() =>
      expect(queries[queries.length - 1].get('q')).toBe('hub'),
    );
  });
});
