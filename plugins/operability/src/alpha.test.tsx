import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import plugin, { entitySloCard } from './alpha';
import { operabilityApiRef } from './api';
import {
  createTestClient,
  TEST_BASE_URL,
  testComponent,
} from './__testUtils__';

const server = setupServer();
registerMswTestHooks(server);

describe('new frontend system extensions', () => {
  it('is the operability plugin', () => {
    expect(plugin.id).toBe('operability');
  });

  it('shows the SLO card on Components only', () => {
    const tester = createExtensionTester(entitySloCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(testComponent())).toBe(true);
    expect(filter({ ...testComponent(), kind: 'System' })).toBe(false);
  });

  it('renders the SLO card with its empty state', async () => {
    server.use(
      http.get(
        `${TEST_BASE_URL}/entities/component/default/jupyterhub/slos`,
        () =>
          HttpResponse.json({
            entityRef: 'component:default/jupyterhub',
            items: [],
            errors: [],
          }),
      ),
    );
    const tester = createExtensionTester(entitySloCard);
    renderInTestApp(
      <EntityProvider entity={testComponent()}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[operabilityApiRef, createTestClient()]] },
    );

    expect(
      await screen.findByText('No SLOs for this component yet'),
    ).toBeInTheDocument();
  });
});
