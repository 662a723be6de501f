import type { DeployGateResponse } from '@airworthy/plugin-operability-common';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SWRConfig } from 'swr';
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
const EXCEPTIONS_URL = `${TEST_BASE_URL}/entities/component/default/jupyterhub/gate-exceptions`;
// The card lists the entity's exceptions too: none unless a test says otherwise.
beforeEach(() =>
  server.use(
    http.get(EXCEPTIONS_URL, () =>
      HttpResponse.json({
        entityRef: 'component:default/jupyterhub',
        items: [],
      }),
    ),
  ),
);

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
      source: 'repo',
      status: 'exhausted',
      budgetRemaining: -0.2,
      effect: 'block',
    },
    {
      id: 'slo-latency',
      name: 'jupyterhub-hub-latency',
      ref: 'jupyterhub-hub-latency',
      phase: 'informing',
      source: 'api',
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
    exceptions: { maxDurationMs: 30 * 86_400_000 },
  },
  decidedAt: '2026-12-01T13:00:00.000Z',
};

/** The permission API answers after a batching delay; a busy machine needs longer. */
const PERMISSION_WAIT = { timeout: 10_000 };

/** Users allowed the given permissions (by name) on the entity, and nothing else. */
function permissions(...allowed: string[]) {
  return mockApis.permission({
    authorize: request =>
      allowed.includes(request.permission.name)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
  });
}

function renderCard(permissionApi = permissions()) {
  // A fresh cache of permission decisions per test (usePermission keeps them in SWR's cache).
  return renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>
      <TestApiProvider
        apis={[
          [operabilityApiRef, createTestClient()],
          [permissionApiRef, permissionApi],
        ]}
      >
        <EntityProvider entity={testComponent()}>
          <EntityDeployGateCard />
        </EntityProvider>
      </TestApiProvider>
    </SWRConfig>,
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

  it('shows no write controls to users without the permissions', async () => {
    server.use(http.get(GATE_URL, () => HttpResponse.json(warned)));
    await renderCard();
    expect(await screen.findByTitle('Deploy gate: warn')).toBeInTheDocument();
    expect(
      screen.getByRole('list', { name: 'SLOs and their phase' }),
    ).toHaveTextContent('JupyterHub availabilityenforcing · exhausted');
    expect(
      screen.queryByRole('button', { name: /Grant exception/ }),
    ).toBeNull();
    expect(screen.queryByRole('button', { name: /Revoke/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Make / })).toBeNull();
  });

  it('grants an exception after checking the reason and the expiry, then shows the new decision', async () => {
    let posted: unknown;
    let decision = warned;
    server.use(
      http.get(GATE_URL, () => HttpResponse.json(decision)),
      http.post(
        `${GATE_URL.replace('deploy-gate', 'gate-exceptions')}`,
        async ({ request }) => {
          posted = await request.json();
          decision = { ...warned, reasons: ['Released: new exception'] };
          return HttpResponse.json(warned.exception, { status: 201 });
        },
      ),
    );
    await renderCard(permissions('operability.exception.write'));
    await userEvent.click(
      await screen.findByRole(
        'button',
        { name: 'Grant exception' },
        PERMISSION_WAIT,
      ),
    );
    const dialog = within(screen.getByRole('dialog'));
    const day = dialog.getByLabelText(/Last day/);
    const tooLate = new Date(Date.now() + 40 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    await userEvent.clear(day);
    await userEvent.type(day, tooLate);
    expect(
      dialog.getByText(/At most 30 days from now: the last day is/),
    ).toBeInTheDocument();
    await userEvent.click(
      dialog.getByRole('button', { name: 'Grant exception' }),
    );
    expect(
      dialog.getByText('Say why releases must go on, e.g. a security fix'),
    ).toBeInTheDocument();
    expect(dialog.getByRole('alert')).toHaveTextContent(
      'Correct the fields above first.',
    );
    expect(posted).toBeUndefined();

    const inAWeek = new Date(Date.now() + 7 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    await userEvent.clear(day);
    await userEvent.type(day, inAWeek);
    await userEvent.type(dialog.getByLabelText(/Reason/), 'CVE-2026-1234 fix');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Grant exception' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(posted).toEqual({ reason: 'CVE-2026-1234 fix', expiresAt: inAWeek });
    expect(
      await screen.findByText('Released: new exception'),
    ).toBeInTheDocument();
  });

  it('revokes the active exception after confirming, and shows a refusal in the dialog', async () => {
    let revoked = 0;
    server.use(
      http.get(GATE_URL, () => HttpResponse.json(warned)),
      http.delete(
        `${TEST_BASE_URL}/entities/component/default/jupyterhub/gate-exceptions/${
          warned.exception!.id
        }`,
        () => {
          revoked += 1;
          return HttpResponse.json(
            {
              error: { name: 'ConflictError', message: 'Already revoked' },
              response: { statusCode: 409 },
            },
            { status: 409 },
          );
        },
      ),
    );
    await renderCard(permissions('operability.exception.write'));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Revoke' }),
    );
    const dialog = within(screen.getByRole('dialog'));
    expect(
      dialog.getByText(/The policy applies again at once/),
    ).toBeInTheDocument();
    await userEvent.click(
      dialog.getByRole('button', { name: 'Revoke exception' }),
    );
    expect(await dialog.findByText(/Already revoked/)).toBeInTheDocument();
    expect(revoked).toBe(1);
  });

  it('sets the phase of an SLO created in Backstage after confirming; SLOs from files keep theirs', async () => {
    let put: unknown;
    server.use(
      http.get(GATE_URL, () => HttpResponse.json(warned)),
      http.put(
        `${TEST_BASE_URL}/slos/slo-latency/phase`,
        async ({ request }) => {
          put = await request.json();
          return HttpResponse.json({ items: [] });
        },
      ),
    );
    await renderCard(permissions('operability.slo.write'));
    expect(
      await screen.findByText(/phase set in its SLO file/, {}, PERMISSION_WAIT),
    ).toBeInTheDocument();
    const list = within(
      screen.getByRole('list', { name: 'SLOs and their phase' }),
    );
    expect(list.getAllByRole('button')).toHaveLength(1);
    await userEvent.click(
      list.getByRole('button', {
        name: 'Make jupyterhub-hub-latency enforcing',
      }),
    );
    const dialog = within(screen.getByRole('dialog'));
    expect(
      dialog.getByText(/The error-budget policy then applies to it/),
    ).toBeInTheDocument();
    await userEvent.click(
      dialog.getByRole('button', { name: 'Make enforcing' }),
    );
    await waitFor(() => expect(put).toEqual({ phase: 'enforcing' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});
