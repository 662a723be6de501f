import type {
  PortfolioEntity,
  PortfolioResponse,
} from '@airworthy/plugin-operability-common';
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
import { createTestClient, TEST_BASE_URL } from '../../__testUtils__';
import { OperabilityPortfolioPage } from './OperabilityPortfolioPage';

const server = setupServer();
registerMswTestHooks(server);

const LEVELS = [
  { id: 'crawl', title: 'Crawl', threshold: 0 },
  { id: 'walk', title: 'Walk', threshold: 50 },
  { id: 'run', title: 'Run', threshold: 80 },
];

/** 60 projects; project-00 scores 99, each next one a point less. */
const ENTITIES: PortfolioEntity[] = Array.from({ length: 60 }, (_, i) => {
  const score = 99 - i;
  let level = 'crawl';
  if (score >= 80) level = 'run';
  else if (score >= 50) level = 'walk';
  return {
    entityRef: `component:default/project-${String(i).padStart(2, '0')}`,
    kind: 'component',
    namespace: 'default',
    name: `project-${String(i).padStart(2, '0')}`,
    owner: i % 2 ? 'group:default/sre' : 'group:default/data-science',
    tags: i % 3 ? [] : ['python'],
    score,
    level,
    sloCount: i % 4,
    worstBudgetRemaining: i % 4 ? 0.5 - i / 100 : null,
    sloCompliance: i % 4 ? 1 : null,
    incidents: i % 5,
    mttrSeconds: i % 5 ? 600 * i : null,
    trendDelta: i % 7 ? 1.5 : null,
  };
});

let queries: URLSearchParams[] = [];

function answer(query: URLSearchParams): PortfolioResponse | string {
  let items = ENTITIES;
  const tags = query.getAll('tag');
  if (tags.length)
    items = items.filter(e => e.tags.some(t => tags.includes(t)));
  if (query.get('sort') === 'name') {
    items = [...items].sort((a, b) => a.name.localeCompare(b.name));
  }
  if (query.get('order') === 'asc' && query.get('sort') !== 'name') {
    items = [...items].reverse();
  }
  if (query.get('format') === 'csv') {
    return ['entityRef,score', ...items.map(e => `${e.entityRef},${e.score}`)]
      .join('\n')
      .concat('\n');
  }
  const levels = { crawl: 0, walk: 0, run: 0 } as Record<string, number>;
  for (const e of items) levels[e.level!] += 1;
  const stats = {
    count: items.length,
    scored: items.length,
    mean: 69.5,
    median: 69.5,
    levels,
  };
  const offset = Number(query.get('offset') ?? 0);
  const limit = Number(query.get('limit') ?? 50);
  return {
    items: items.slice(offset, offset + limit),
    totalItems: items.length,
    offset,
    limit,
    summary: stats,
    ...(query.get('groupBy')
      ? {
          groupBy: 'owner' as const,
          groups: [
            { key: 'group:default/data-science', ...stats, count: 30 },
            { key: null, ...stats, count: 0, scored: 0, mean: null },
          ],
        }
      : {}),
    levels: LEVELS,
    periodDays: 28,
    trendDays: 28,
  };
}

function serve() {
  queries = [];
  server.use(
    http.get(`${TEST_BASE_URL}/portfolio`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      queries.push(query);
      const body = answer(query);
      return typeof body === 'string'
        ? new HttpResponse(body, { headers: { 'Content-Type': 'text/csv' } })
        : HttpResponse.json(body);
    }),
    // Category scores for the comparison: project-NN scores 100 - NN in service level.
    http.get(
      `${TEST_BASE_URL}/entities/component/default/:name/score`,
      ({ params }) =>
        HttpResponse.json({
          entityRef: `component:default/${params.name}`,
          categories: [
            {
              id: 'service-level',
              title: 'Service level',
              score: 100 - Number(String(params.name).slice(-2)),
              weight: 40,
            },
          ],
        }),
    ),
  );
}

const lastQuery = () => Object.fromEntries(queries[queries.length - 1]);

function renderPage() {
  return renderInTestApp(
    <TestApiProvider apis={[[operabilityApiRef, createTestClient()]]}>
      <OperabilityPortfolioPage />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}

/** The names in the entity table (by selector: role queries over 250 cells are slow in jsdom). */
async function entityNames(): Promise<string[]> {
  const table = await screen.findByLabelText('Entities by operability score');
  return Array.from(
    table.querySelectorAll('tbody tr td:nth-child(2)'),
    cell => cell.textContent ?? '',
  ).filter(name => name.startsWith('project-'));
}

// Whole pages of 25 rows in jsdom on a shared 2-core machine: slow, not failing.
jest.setTimeout(90_000);

describe('OperabilityPortfolioPage', () => {
  it('asks the server for one page, sorted by score, and shows the distribution', async () => {
    serve();
    await renderPage();

    expect(await entityNames()).toHaveLength(25);
    expect(lastQuery()).toEqual({
      sort: 'score',
      order: 'desc',
      limit: '25',
      offset: '0',
    });
    expect((await entityNames())[0]).toBe('project-00');
    expect(screen.getByRole('link', { name: 'project-00' })).toHaveAttribute(
      'href',
      '/catalog/default/component/project-00',
    );
    expect(
      screen.getByLabelText(
        'Entities by level: Crawl 10 (16.7%), Walk 30 (50%), Run 20 (33.3%)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/^1.25 of 60$/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(lastQuery().offset).toBe('25'));
    expect((await entityNames())[0]).toBe('project-25');
  });

  it('sorts by the column the user picks and filters on the server', async () => {
    serve();
    await renderPage();
    await entityNames();

    await userEvent.click(screen.getByRole('button', { name: 'Score' }));
    await waitFor(() => expect(lastQuery().order).toBe('asc'));
    await waitFor(async () =>
      expect((await entityNames())[0]).toBe('project-59'),
    );

    await userEvent.click(screen.getByRole('button', { name: 'Entity' }));
    await waitFor(() =>
      expect(lastQuery()).toMatchObject({ sort: 'name', order: 'asc' }),
    );

    await userEvent.type(screen.getByLabelText('Tag'), 'python{Enter}');
    await waitFor(() =>
      expect(lastQuery()).toMatchObject({ tag: 'python', offset: '0' }),
    );
    await waitFor(async () => expect(await entityNames()).toHaveLength(20));
  });

  it('rolls up by owner', async () => {
    serve();
    await renderPage();
    await entityNames();

    await userEvent.click(screen.getByRole('button', { name: /Group by/ }));
    await userEvent.click(await screen.findByRole('option', { name: 'owner' }));
    const table = await screen.findByRole('table', {
      name: 'Roll-up by owner',
    });
    expect(lastQuery().groupBy).toBe('owner');
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('data-science');
    expect(rows[2]).toHaveTextContent('(no owner)');
  });

  it('compares up to five entities side by side', async () => {
    serve();
    await renderPage();
    await entityNames();

    for (const n of ['00', '01', '02', '03', '04']) {
      await userEvent.click(screen.getByLabelText(`Compare project-${n}`));
    }
    expect(screen.getByLabelText('Compare project-05')).toBeDisabled();
    const comparison = screen.getByLabelText('Comparison');
    const scoreRow = within(comparison).getByRole('row', { name: /^Score/ });
    expect(scoreRow).toHaveTextContent('99 (best)');
    const categoryRow = await within(comparison).findByRole('row', {
      name: /^Service level/,
    });
    expect(categoryRow).toHaveTextContent('Service level100 (best)999897');

    await userEvent.click(
      screen.getByRole('button', {
        name: 'Remove project-00 from the comparison',
      }),
    );
    expect(screen.getByLabelText('Compare project-05')).toBeEnabled();
    expect(screen.getByText('Comparing 4 of 5')).toBeInTheDocument();
  });

  it('downloads every matching row as CSV', async () => {
    serve();
    const created: Blob[] = [];
    const createObjectURL = jest.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:portfolio';
    });
    const revokeObjectURL = jest.fn();
    // jsdom has no object URLs: the one browser boundary this test stands in for.
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    await renderPage();
    await entityNames();

    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(revokeObjectURL).toHaveBeenCalled());
    expect(lastQuery()).toEqual({
      sort: 'score',
      order: 'desc',
      format: 'csv',
    });
    const text = await created[0].text();
    expect(text.split('\n')).toHaveLength(62);
  });
});
