import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import { operabilityApiRef } from '../../api';
import {
  createTestClient,
  TEST_BASE_URL,
  testComponent,
  testSloSummary,
} from '../../__testUtils__';
import { sloEditorRouteRef } from '../../routes';
import { newSloTemplate } from '../../lib/sloDocument';
import { SloEditorPage } from './SloEditorPage';

const server = setupServer();
registerMswTestHooks(server);

const HUB = 'component:default/jupyterhub';

function renderPage(path: string, allowed = true) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [operabilityApiRef, createTestClient()],
        [
          catalogApiRef,
          catalogApiMock({
            entities: [
              {
                ...testComponent(),
                metadata: { ...testComponent().metadata, title: 'JupyterHub' },
              },
            ],
          }),
        ],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          }),
        ],
      ]}
    >
      <Routes>
        <Route path="/operability/slos/*" element={<SloEditorPage />} />
        <Route
          path="/catalog/:namespace/:kind/:name"
          element={<div>Entity page</div>}
        />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: {
        '/operability/slos': sloEditorRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}

describe('SloEditorPage', () => {
  it('creates an SLO for the entity named in the link, as YAML, and opens it', async () => {
    const bodies: Array<{ type: string | null; text: string }> = [];
    const api = testSloSummary({ id: 'new-1', source: 'api' });
    server.use(
      http.post(
        `${TEST_BASE_URL}/entities/component/default/jupyterhub/slos`,
        async ({ request }) => {
          bodies.push({
            type: request.headers.get('content-type'),
            text: await request.text(),
          });
          return HttpResponse.json({ items: [api] }, { status: 201 });
        },
      ),
      http.get(`${TEST_BASE_URL}/slos/new-1`, () =>
        HttpResponse.json({ ...api, definition: {} }),
      ),
      http.get(`${TEST_BASE_URL}/slos/new-1/openslo`, () =>
        HttpResponse.text(newSloTemplate({ name: 'jupyterhub' })),
      ),
    );
    await renderPage(`/operability/slos/new?entity=${encodeURIComponent(HUB)}`);

    expect(await screen.findByText('New SLO')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /jupyterhub/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/jupyterhub',
    );
    expect(screen.getByLabelText('Display name')).toHaveValue(
      'JupyterHub availability',
    );
    const create = screen.getByRole('button', { name: 'Create SLO' });
    await waitFor(() => expect(create).toBeEnabled());
    await userEvent.click(create);

    await waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies[0].type).toBe('application/yaml');
    expect(bodies[0].text).toContain('name: jupyterhub-availability');
    // The new SLO opens in the editor.
    expect(
      await screen.findByRole('heading', { name: 'JupyterHub availability' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeInTheDocument();
  });

  it('shows the server refusing a new SLO', async () => {
    server.use(
      http.post(
        `${TEST_BASE_URL}/entities/component/default/jupyterhub/slos`,
        () =>
          HttpResponse.json(
            {
              error: {
                name: 'ConflictError',
                message:
                  'component:default/jupyterhub already has an SLO named jupyterhub-availability',
              },
              request: { method: 'POST', url: '/x' },
              response: { statusCode: 409 },
            },
            { status: 409 },
          ),
      ),
    );
    await renderPage(`/operability/slos/new?entity=${encodeURIComponent(HUB)}`);
    const create = await screen.findByRole('button', { name: 'Create SLO' });
    await waitFor(() => expect(create).toBeEnabled());
    await userEvent.click(create);
    expect(
      await screen.findByText(
        /already has an SLO named jupyterhub-availability/,
      ),
    ).toBeInTheDocument();
  });

  it('asks for the entity when the link names none, and says when it does not exist', async () => {
    await renderPage('/operability/slos/new');
    fireEvent.change(await screen.findByLabelText('Entity'), {
      target: { value: 'default/nope' },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect(
      (
        await screen.findAllByText(
          /No entity component:default\/nope in the catalog/,
        )
      ).length,
    ).toBeGreaterThan(0);
  });

  it('edits an API SLO with the data of its last period in the preview, and deletes it', async () => {
    const api = testSloSummary({ source: 'api', sourceLocation: undefined });
    const updates: string[] = [];
    let deleted = false;
    server.use(
      http.get(`${TEST_BASE_URL}/slos/slo-hub`, () =>
        HttpResponse.json({ ...api, definition: {} }),
      ),
      http.get(`${TEST_BASE_URL}/slos/slo-hub/openslo`, () =>
        HttpResponse.text(
          newSloTemplate({ name: 'jupyterhub' }).replace(
            'target: 0.99',
            'target: 0.98',
          ),
        ),
      ),
      http.put(`${TEST_BASE_URL}/slos/slo-hub`, async ({ request }) => {
        updates.push(await request.text());
        return HttpResponse.json({ items: [api] });
      }),
      http.delete(`${TEST_BASE_URL}/slos/slo-hub`, () => {
        deleted = true;
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await renderPage('/operability/slos/slo-hub/edit');

    expect(await screen.findByTestId('slo-preview-history')).toHaveTextContent(
      '47.9% of its budget left (6h 26m)',
    );
    fireEvent.change(screen.getByLabelText('Objective (%)'), {
      target: { value: '97.5' },
    });
    const save = screen.getByRole('button', { name: 'Save' });
    await waitFor(() => expect(save).toBeEnabled());
    await userEvent.click(save);
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
    expect(updates[0]).toContain('target: 0.975');

    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete SLO' }),
    );
    expect(await screen.findByText('Entity page')).toBeInTheDocument();
    expect(deleted).toBe(true);
  });

  it('shows the YAML to commit for repository SLOs, and no Save', async () => {
    const repo = testSloSummary();
    server.use(
      http.get(`${TEST_BASE_URL}/slos/slo-hub`, () =>
        HttpResponse.json({ ...repo, definition: {} }),
      ),
      http.get(`${TEST_BASE_URL}/slos/slo-hub/openslo`, () =>
        HttpResponse.text(newSloTemplate({ name: 'jupyterhub' })),
      ),
    );
    await renderPage('/operability/slos/slo-hub/edit', false);
    expect(await screen.findByText('YAML to commit')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
  });

  it('shows the error of an SLO that does not exist', async () => {
    server.use(
      http.get(`${TEST_BASE_URL}/slos/nope`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No SLO nope' },
            request: { method: 'GET', url: '/x' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
      http.get(`${TEST_BASE_URL}/slos/nope/openslo`, () =>
        HttpResponse.text('', { status: 404 }),
      ),
    );
    await renderPage('/operability/slos/nope/edit');
    expect((await screen.findAllByText(/No SLO nope/)).length).toBeGreaterThan(
      0,
    );
  });
});
