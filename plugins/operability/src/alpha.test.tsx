import { ANNOTATION_ALERT_SELECTOR } from '@airworthy/plugin-operability-common';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import plugin, {
  entityIncidentsCard,
  entityOperabilityContent,
  entityDeployGateCard,
  entityScoreCard,
  entitySloCard,
  portfolioPage,
  sloEditorPage,
} from './alpha';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { operabilityApiRef } from './api';
import {
  createTestClient,
  emptyEntityHandlers,
  emptyPortfolioHandler,
  emptySloListHandler,
  testComponent,
} from './__testUtils__';

const server = setupServer(...emptyEntityHandlers);
registerMswTestHooks(server);

function renderExtension(tester: { reactElement(): JSX.Element }) {
  return renderInTestApp(
    <EntityProvider entity={testComponent()}>
      {tester.reactElement()}
    </EntityProvider>,
    { apis: [[operabilityApiRef, createTestClient()]] },
  );
}

describe('new frontend system extensions', () => {
  it('is the operability plugin', () => {
    expect(plugin.id).toBe('operability');
  });

  it.each([
    ['SLO', () => createExtensionTester(entitySloCard)],
    ['incidents', () => createExtensionTester(entityIncidentsCard)],
    ['score', () => createExtensionTester(entityScoreCard)],
    ['deploy gate', () => createExtensionTester(entityDeployGateCard)],
  ])(
    'shows the %s card on Components and on entities with an Airworthy annotation',
    (_, createTester) => {
      const tester = createTester();
      const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
      expect(filter(testComponent())).toBe(true);
      expect(filter({ ...testComponent(), kind: 'System' })).toBe(false);
      expect(
        filter({
          ...testComponent({ [ANNOTATION_ALERT_SELECTOR]: 'service=thanos' }),
          kind: 'Resource',
        }),
      ).toBe(true);
    },
  );

  it('renders the SLO card with its empty state', async () => {
    renderExtension(createExtensionTester(entitySloCard));
    expect(
      await screen.findByText('No SLOs for this component yet'),
    ).toBeInTheDocument();
  });

  it('renders the incidents card with its empty state', async () => {
    renderExtension(createExtensionTester(entityIncidentsCard));
    expect(
      await screen.findByText('No incident source for this component yet'),
    ).toBeInTheDocument();
  });

  it('renders the score card, saying when the entity is not scored yet', async () => {
    renderExtension(createExtensionTester(entityScoreCard));
    expect(await screen.findByText('Operability score')).toBeInTheDocument();
    expect(
      await screen.findByText(/has not been scored yet/),
    ).toBeInTheDocument();
  });

  it('adds the Operability tab at operability, on Components and annotated entities', async () => {
    const tester = createExtensionTester(entityOperabilityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('operability');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Operability',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(testComponent())).toBe(true);
    expect(filter({ ...testComponent(), kind: 'System' })).toBe(false);
    renderExtension(tester);
    expect(
      await screen.findByText('No SLOs for this component yet'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Last 28d' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('mounts the portfolio page at /operability with a nav entry', async () => {
    server.use(emptyPortfolioHandler);
    const tester = createExtensionTester(portfolioPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/operability');
    expect(tester.get(coreExtensionData.title)).toBe('Operability');
    renderInTestApp(tester.reactElement(), {
      apis: [[operabilityApiRef, createTestClient()]],
    });
    expect(
      await screen.findByText(/No entity matches these filters/),
    ).toBeInTheDocument();
  });

  it('mounts the SLO editor page at /operability/slos', async () => {
    const tester = createExtensionTester(sloEditorPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/operability/slos');
    server.use(emptySloListHandler);
    renderInTestApp(tester.reactElement(), {
      apis: [[operabilityApiRef, createTestClient()]],
    });
    // Its index is the SLO list.
    expect(await screen.findByText(/No SLO matches/)).toBeInTheDocument();
  });
});
