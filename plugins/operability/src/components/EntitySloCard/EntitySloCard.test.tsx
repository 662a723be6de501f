import { ANNOTATION_SLO_FILES } from '@airworthy/plugin-operability-common';
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

function renderCard(annotations: Record<string, string> = {}) {
  return renderInTestApp(
    <TestApiProvider apis={[[operabilityApiRef, createTestClient()]]}>
      <EntityProvider entity={testComponent(annotations)}>
        <EntitySloCard />
      </EntityProvider>
    </TestApiProvider>,
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

  it('lists the SLOs the backend returns', async () => {
    server.use(
      http.get(slosUrl, () =>
        HttpResponse.json({
          entityRef: 'component:default/jupyterhub',
          errors: [],
          items: [
            {
              id: 'a',
              entityRef: 'component:default/jupyterhub',
              name: 'availability',
              displayName: 'Hub availability',
              source: 'repo',
              target: 0.98,
              period: '28d',
              status: 'ok',
            },
          ],
        }),
      ),
    );
    await renderCard();

    expect(await screen.findByText('Hub availability')).toBeInTheDocument();
    expect(screen.getByText('98% over 28d')).toBeInTheDocument();
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
