import type { RouteRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { Route, Routes } from 'react-router-dom';
import { operabilityApiRef } from './api';
import { isOperabilityRelevant } from './filters';
import {
  EntityIncidentsCard,
  EntityOperabilityContent,
  EntityOperabilityScoreCard,
  EntitySloCard,
  operabilityPlugin,
  OperabilityPortfolioPage,
  SloEditorPage,
} from './plugin';
import { rootRouteRef, sloEditorRouteRef } from './routes';
import {
  createTestClient,
  emptyEntityHandlers,
  emptyPortfolioHandler,
  emptySloListHandler,
  testComponent,
} from './__testUtils__';

const server = setupServer(...emptyEntityHandlers);
registerMswTestHooks(server);

function renderLegacy(element: JSX.Element) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [operabilityApiRef, createTestClient()],
        // The incidents card asks whether the user may merge and split incidents.
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={testComponent()}>{element}</EntityProvider>
    </TestApiProvider>,
  );
}

/** A legacy page at its mount point `path` (and below it), as an app routes it. */
function renderLegacyPage(
  path: string,
  routeRef: RouteRef,
  element: JSX.Element,
) {
  return renderInTestApp(
    <TestApiProvider apis={[[operabilityApiRef, createTestClient()]]}>
      <Routes>
        <Route path={`${path}/*`} element={element} />
      </Routes>
    </TestApiProvider>,
    { routeEntries: [path], mountedRoutes: { [path]: routeRef } },
  );
}

describe('legacy plugin', () => {
  it('is the operability plugin and provides its API', () => {
    expect(operabilityPlugin.getId()).toBe('operability');
    expect([...operabilityPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.operability.api',
    ]);
  });

  it.each([
    ['SLO card', <EntitySloCard />, 'No SLOs for this component yet'],
    [
      'incidents card',
      <EntityIncidentsCard />,
      'No incident source for this component yet',
    ],
    ['Operability tab', <EntityOperabilityContent />, 'Operability'],
    [
      'score card',
      <EntityOperabilityScoreCard />,
      /This entity is not scored\. .*has not been scored yet/,
    ],
  ])('renders the %s', async (_, element, text) => {
    await renderLegacy(element);
    expect(await screen.findByText(text)).toBeInTheDocument();
  });
});

describe('legacy portfolio page', () => {
  it('renders the portfolio with its empty state', async () => {
    server.use(emptyPortfolioHandler);
    await renderLegacyPage(
      '/operability',
      rootRouteRef,
      <OperabilityPortfolioPage />,
    );
    expect(
      await screen.findByText(/No entity matches these filters/),
    ).toBeInTheDocument();
  });
});

describe('package entry point', () => {
  it('exports the legacy plugin, its extensions, routes and entity tests', async () => {
    const entry = await import('.');
    expect(Object.keys(entry).sort()).toEqual([
      'EntityDeployGateCard',
      'EntityIncidentsCard',
      'EntityOperabilityContent',
      'EntityOperabilityScoreCard',
      'EntitySloCard',
      'OperabilityPortfolioPage',
      'SloEditorPage',
      'createOperabilityCatalogColumns',
      'isOperabilityAvailable',
      'isOperabilityRelevant',
      'operabilityApiRef',
      'operabilityPlugin',
      'rootRouteRef',
      'sloCreateRouteRef',
      'sloEditRouteRef',
      'sloEditorRouteRef',
    ]);
    expect(entry.EntityOperabilityContent).toBe(EntityOperabilityContent);
    expect(entry.OperabilityPortfolioPage).toBe(OperabilityPortfolioPage);
    expect(entry.isOperabilityAvailable(testComponent())).toBe(false);
    expect(
      entry.isOperabilityAvailable(
        testComponent({ 'airworthy.dev/slo-files': 'slos.yaml' }),
      ),
    ).toBe(true);
  });
});

describe('legacy SLO editor page', () => {
  it('renders the SLO list at its mount point', async () => {
    server.use(emptySloListHandler);
    await renderLegacyPage(
      '/operability/slos',
      sloEditorRouteRef,
      <SloEditorPage />,
    );
    expect(await screen.findByText(/No SLO matches/)).toBeInTheDocument();
  });
});

describe('isOperabilityRelevant', () => {
  const entity = (kind: string, annotations: Record<string, string> = {}) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'x', annotations },
  });

  it('is true for Components and for entities that name an Airworthy source', () => {
    expect(isOperabilityRelevant(entity('Component'))).toBe(true);
    expect(isOperabilityRelevant(entity('System'))).toBe(false);
    expect(
      isOperabilityRelevant(
        entity('Resource', { 'airworthy.dev/slo-files': 'slos.yaml' }),
      ),
    ).toBe(true);
    expect(
      isOperabilityRelevant(
        entity('Resource', { 'airworthy.dev/slo-files': ' ' }),
      ),
    ).toBe(false);
  });
});
