import type { EntityScoreResponse } from '@airworthy/plugin-operability-common';
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
} from '../../__testUtils__';
import { rootRouteRef } from '../../routes';
import { EntityOperabilityScoreCard } from './EntityOperabilityScoreCard';

const server = setupServer();
registerMswTestHooks(server);

const ENTITY_BASE = `${TEST_BASE_URL}/entities/component/default/jupyterhub`;

const score: EntityScoreResponse = {
  entityRef: 'component:default/jupyterhub',
  score: 62.5,
  level: { id: 'walk', title: 'Walk', threshold: 50 },
  nextLevel: { id: 'run', title: 'Run', threshold: 75, pointsNeeded: 12.5 },
  computedAt: '2026-11-25T06:00:00Z',
  categories: [
    { id: 'service-level', title: 'Service level', score: 50, weight: 40 },
    {
      id: 'operational-readiness',
      title: 'Operational readiness',
      score: 100,
      weight: 30,
    },
  ],
  checks: [
    {
      id: 'slo-defined',
      category: 'service-level',
      title: 'Has an SLO',
      weight: 10,
      status: 'met',
      credit: 1,
      points: 10,
      gain: 0,
      detail: '1 SLO',
    },
    {
      id: 'budget-healthy',
      category: 'service-level',
      title: 'Budget left',
      weight: 10,
      status: 'not-met',
      credit: 0,
      points: 0,
      gain: 10,
      detail: '<b>jupyterhub-availability</b> has spent its budget',
      remediation: 'Fix what burns the budget, or revisit the target.',
    },
    {
      id: 'runbook',
      category: 'operational-readiness',
      title: 'Runbook link',
      weight: 10,
      status: 'exempt',
      credit: null,
      points: 0,
      gain: 0,
      detail: 'exempt',
      exemption: {
        check: 'runbook',
        reason: 'Runbook being written',
        author: 'user:default/guest',
        expiresAt: '2027-01-31T23:59:59Z',
        source: 'api',
        active: true,
      },
    },
  ],
  exemptions: [],
  exemptionErrors: ['entry 2: "expires" must be a date'],
  facts: {
    sloCount: 1,
    worstBudgetRemaining: -0.2,
    sloCompliance: 0,
    incidents: 3,
    mttrSeconds: 3900,
    periodFrom: '2026-10-28T00:00:00Z',
    periodTo: '2026-11-25T00:00:00Z',
  },
  trends: [
    { days: 28, delta: 4.25, since: '2026-10-28' },
    { days: 90, delta: null },
  ],
};

function renderCard() {
  return renderInTestApp(
    <TestApiProvider apis={[[operabilityApiRef, createTestClient()]]}>
      <EntityProvider entity={testComponent()}>
        <EntityOperabilityScoreCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/operability': rootRouteRef } },
  );
}

describe('EntityOperabilityScoreCard', () => {
  it('shows score, level, next level, trends, next steps and the checks by category', async () => {
    server.use(
      http.get(`${ENTITY_BASE}/score`, () => HttpResponse.json(score)),
      http.get(`${ENTITY_BASE}/score/history`, ({ request }) => {
        expect(new URL(request.url).searchParams.get('days')).toBe('90');
        return HttpResponse.json({
          entityRef: score.entityRef,
          days: 90,
          points: [
            { date: '2026-10-01', score: 50, level: 'walk' },
            { date: '2026-11-25', score: 62.5, level: 'walk' },
          ],
        });
      }),
    );
    await renderCard();

    expect(
      await screen.findByText('62.5 / 100 · Walk · 12.5 points to Run'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/\+4\.3 over 28 days · no score 90 days old yet/),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('img', {
        name: 'Score over the last 90 days: from 50 to 62.5',
      }),
    ).toBeInTheDocument();
    expect(screen.getByText(/"expires" must be a date/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Portfolio' })).toHaveAttribute(
      'href',
      '/operability',
    );

    const steps = screen.getByRole('list');
    expect(within(steps).getAllByRole('listitem')).toHaveLength(1);
    expect(steps).toHaveTextContent(
      'Budget left (+10 points): Fix what burns the budget, or revisit the target.',
    );

    // Categories open on demand; detail is untrusted text.
    await userEvent.click(
      screen.getByRole('button', { name: /Service level: 50/ }),
    );
    const table = await screen.findByRole('table', {
      name: 'Service level checks',
    });
    const rows = within(table).getAllByRole('row');
    expect(rows[0]).toHaveTextContent('not-met');
    expect(
      within(rows[0]).getByText(
        '<b>jupyterhub-availability</b> has spent its budget',
      ),
    ).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent('met');

    await userEvent.click(
      screen.getByRole('button', { name: /Operational readiness/ }),
    );
    expect(
      await screen.findByText(
        /Exempt until 2027-01-31 \(api, user:default\/guest\): Runbook being written/,
      ),
    ).toBeInTheDocument();
  });

  it('says why an entity of a kind that is not scored has no score', async () => {
    server.use(
      http.get(`${ENTITY_BASE}/score`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message:
                'component:default/jupyterhub is not scored: the scored kinds are system (operability.score.kinds)',
            },
            request: { method: 'GET', url: '/score' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await renderCard();

    expect(
      await screen.findByText(/the scored kinds are system/),
    ).toBeInTheDocument();
  });
});
