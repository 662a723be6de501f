import type { DeployGateResponse } from '@airworthy/plugin-operability-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { operabilityApiRef } from '../../api';
import {
  createTestClient,
  TEST_BASE_URL,
  testComponent,
} from '../../__testUtils__';
import { EntityDeployGateCard } from './EntityDeployGateCard';

const server = setupServer();
registerMswTestHooks(server);

const GATE_URL = `${TEST_BASE_URL}/entities/component/default/jupyterhub/deploy-gate`;

const warned: DeployGateResponse = {
  entityRef: 'component:default/jupyterhub',
  decision: 'warn',
  reasons: [
    'Blocked, but released by an exception until 2026-12-02T12:00:00.000Z, granted by user:default/alice: CVE fix',
    'SLO "JupyterHub availability" (enforcing) is exhausted, -20% of its error budget left: the policy blocks on exhausted',
  ],
  slos: [
    {
      id: 'slo-hub',
      name: 'jupyterhub-availability',
      ref: 'jupyterhub-availability',
      displayName: 'JupyterHub availability',
      phase: 'enforcing',
      status: 'exhausted',
      budgetRemaining: -0.2,
      effect: 'block',
    },
    {
      id: 'slo-latency',
      name: 'jupyterhub-hub-latency',
      ref: 'jupyterhub-hub-latency',
      phase: 'informing',
      status: 'ok',
      budgetRemaining: 0.9,
      effect: 'allow',
    },
  ],
  exception: {
    id: '7b0c8a4e-5f7e-4a36-9d52-0e0b7c3f3a11',
    entityRef: 'component:default/jupyterhub',
    reason: 'CVE fix',
    author: 'user:default/alice',
    createdAt: '2026-12-01T12:00:00.000Z',
    expiresAt: '2026-12-02T12:00:00.000Z',
    state: 'active',
  },
  policy: {
    block: ['exhausted'],
    warn: ['critical'],
    withoutEnforcingSlos: 'allow',
    source: 'config',
  },
  decidedAt: '2026-12-01T13:00:00.000Z',
};

function renderCard() {
  return renderInTestApp(
    <TestApiProvider apis={[[operabilityApiRef, createTestClient()]]}>
      <EntityProvider entity={testComponent()}>
        <EntityDeployGateCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityDeployGateCard', () => {
  it('shows the decision, the exception that released a block, and the reasons', async () => {
    server.use(http.get(GATE_URL, () => HttpResponse.json(warned)));
    await renderCard();
    expect(await screen.findByTitle('Deploy gate: warn')).toHaveTextContent(
      'Warn',
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Exception until 2 Dec 2026, 12:00 UTC, granted by user:default/alice: CVE fix',
    );
    expect(
      screen.getByText(/is exhausted, -20% of its error budget left/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/1 of 2 SLOs enforcing · policy from configuration/),
    ).toBeInTheDocument();
  });

  it('shows a block without an exception', async () => {
    server.use(
      http.get(GATE_URL, () =>
        HttpResponse.json({
          ...warned,
          decision: 'block',
          exception: undefined,
          reasons: warned.reasons.slice(1),
        }),
      ),
    );
    await renderCard();
    expect(await screen.findByTitle('Deploy gate: block')).toBeInTheDocument();
    expect(
      screen.getByText(/Releases stop, except security fixes/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows the backend error instead of a decision', async () => {
    server.use(
      http.get(GATE_URL, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No entity here' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await renderCard();
    expect(
      (await screen.findAllByText(/No entity here/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByTitle(/Deploy gate:/)).not.toBeInTheDocument();
  });
});
