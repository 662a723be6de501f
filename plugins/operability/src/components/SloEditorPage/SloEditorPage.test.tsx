import { parseSloYaml } from '@airworthy/plugin-operability-common';
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
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
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

/** Serves the repository SLO `slo-hub` and its YAML; returns the SLO. */
function serveRepoSlo(overrides: Parameters<typeof testSloSummary>[0] = {}) {
  const repo = testSloSummary(overrides);
  const yaml = newSloTemplate({ name: 'jupyterhub' });
  const [definition] = parseSloYaml(yaml, 'slos.yaml').slos;
  server.use(
    http.get(`${TEST_BASE_URL}/slos/slo-hub`, () =>
      HttpResponse.json({ ...repo, definition }),
    ),
    http.get(`${TEST_BASE_URL}/slos/slo-hub/openslo`, () =>
      HttpResponse.text(yaml),
    ),
  );
  return repo;
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

  it('picks the entity from the catalog when the link names none', async () => {
    await renderPage('/operability/slos/new');
    const input = await screen.findByRole('textbox', { name: 'Entity' });
    await userEvent.type(input, 'Jupyter');
    // Suggestions come from the catalog, by title and name.
    const option = await screen.findByRole('option', {
      name: /JupyterHub.*jupyterhub/,
    });
    await userEvent.click(option);
    // The entity is chosen: the form for it opens.
    expect(await screen.findByLabelText('Display name')).toHaveValue(
      'JupyterHub availability',
    );
    expect(screen.getByRole('link', { name: /jupyterhub/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/jupyterhub',
    );
  });

  it('says when no entity matches what was typed', async () => {
    await renderPage('/operability/slos/new');
    const input = await screen.findByRole('textbox', { name: 'Entity' });
    await userEvent.type(input, 'nothing-like-it');
    expect(
      await screen.findByText(
        'No component, resource, system or API of that name',
      ),
    ).toBeInTheDocument();
  });

  it('says when the entity of the link does not exist, and offers the picker', async () => {
    await renderPage('/operability/slos/new?entity=default/nope');
    expect(
      await screen.findByText(
        /No entity component:default\/nope in the catalog .*: choose another/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Entity' })).toBeInTheDocument();
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

  it('shows a repository SLO read-only, with a link to its file, and drafts a change as YAML to commit', async () => {
    const repo = serveRepoSlo();
    await renderPage('/operability/slos/slo-hub/edit', false);
    expect(
      await screen.findByRole('link', {
        name: /Open the file in its repository/,
      }),
    ).toHaveAttribute('href', repo.sourceLocation);
    expect(screen.getByText(/Read-only/)).toBeInTheDocument();
    // The definition is shown, not offered for editing.
    expect(
      screen.getByText(
        (_, el) =>
          el?.tagName === 'CODE' &&
          Boolean(el.textContent?.includes('name: jupyterhub-availability')),
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByLabelText('Display name')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
    // The preview is the objective as Backstage read it.
    // In a region the keyboard can scroll: five columns do not fit a narrow preview.
    const region = screen.getByRole('region', {
      name: 'Alert thresholds of Available, scrollable',
    });
    expect(region).toHaveAttribute('tabindex', '0');
    expect(
      within(region).getByRole('table', {
        name: 'Alert thresholds of Available',
      }),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Draft a change' }),
    );
    expect(await screen.findByText('YAML to commit')).toBeInTheDocument();
    expect(screen.getByLabelText('Display name')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
  });

  it('names the local file of a repository SLO without linking it', async () => {
    serveRepoSlo({
      sourceLocation: 'file:/srv/backstage/examples/slos/jupyterhub.yaml',
    });
    await renderPage('/operability/slos/slo-hub/edit', false);
    expect(
      await screen.findByText(
        /a file the Backstage server reads from its own disk/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('jupyterhub.yaml')).toBeInTheDocument();
    expect(screen.queryByText(/\/srv\/backstage/)).toBeNull();
    expect(
      screen.queryByRole('link', { name: /Open the file in its repository/ }),
    ).toBeNull();
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
