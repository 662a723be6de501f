import type { Entity } from '@backstage/catalog-model';
import { Table } from '@backstage/core-components';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { operabilityApiRef } from '../../api';
import {
  createTestClient,
  TEST_BASE_URL,
  testSloSummary,
} from '../../__testUtils__';
import { createOperabilityCatalogColumns } from './OperabilityCatalogColumns';

const server = setupServer();
registerMswTestHooks(server);

const entity = (kind: string, name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default' },
  spec: {},
});

const notFound = (message: string) =>
  HttpResponse.json(
    {
      error: { name: 'NotFoundError', message },
      response: { statusCode: 404 },
    },
    { status: 404 },
  );

describe('createOperabilityCatalogColumns', () => {
  it('shows each entity’s worst SLO status and its score, and a dash for entities Airworthy does not cover', async () => {
    const base = `${TEST_BASE_URL}/entities/component/default`;
    const requested: string[] = [];
    server.events.on('request:start', ({ request }) => {
      requested.push(new URL(request.url).pathname);
    });
    server.use(
      http.get(`${base}/jupyterhub/slos`, () =>
        HttpResponse.json({
          entityRef: 'component:default/jupyterhub',
          items: [
            testSloSummary({ id: 'a', status: 'ok' }),
            testSloSummary({ id: 'b', status: 'critical' }),
            testSloSummary({ id: 'c', status: 'warning' }),
          ],
          errors: [],
        }),
      ),
      http.get(`${base}/jupyterhub/score`, () =>
        HttpResponse.json({
          entityRef: 'component:default/jupyterhub',
          score: 62.54,
          level: { id: 'walk', title: 'Walk', threshold: 50 },
        }),
      ),
      http.get(`${base}/seldon/slos`, () =>
        HttpResponse.json({
          entityRef: 'component:default/seldon',
          items: [],
          errors: [],
        }),
      ),
      http.get(`${base}/seldon/score`, () =>
        notFound('component:default/seldon has not been scored yet'),
      ),
    );

    await renderInTestApp(
      <TestApiProvider apis={[[operabilityApiRef, createTestClient()]]}>
        <Table
          title="Catalog"
          columns={[
            { title: 'Name', field: 'entity.metadata.name' },
            ...createOperabilityCatalogColumns(),
          ]}
          data={[
            { entity: entity('Component', 'jupyterhub') },
            { entity: entity('Component', 'seldon') },
            { entity: entity('Group', 'sre') },
          ]}
        />
      </TestApiProvider>,
    );

    const row = async (name: string) =>
      within((await screen.findByText(name)).closest('tr')!);
    const hub = await row('jupyterhub');
    expect(await hub.findByText('Critical')).toBeInTheDocument();
    expect(hub.getByText('1/3')).toBeInTheDocument();
    expect(await hub.findByText('62.5')).toBeInTheDocument();
    expect(hub.getByText('Walk')).toBeInTheDocument();

    const seldon = await row('seldon');
    expect(await seldon.findByText('No SLOs')).toBeInTheDocument();
    expect(await seldon.findByText('Not scored')).toBeInTheDocument();

    const group = await row('sre');
    expect(group.getAllByText('—')).toHaveLength(2);
    expect(requested.some(p => p.includes('/group/'))).toBe(false);
  });

  it('says a cell is unavailable when the backend fails, with its reason', async () => {
    const base = `${TEST_BASE_URL}/entities/component/default/jupyterhub`;
    server.use(
      http.get(`${base}/slos`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'database is down' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
      http.get(`${base}/score`, () =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'database is down' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      ),
    );
    await renderInTestApp(
      <TestApiProvider apis={[[operabilityApiRef, createTestClient()]]}>
        <Table
          title="Catalog"
          columns={createOperabilityCatalogColumns()}
          data={[{ entity: entity('Component', 'jupyterhub') }]}
        />
      </TestApiProvider>,
    );
    const cells = await screen.findAllByText('Unavailable');
    expect(cells).toHaveLength(2);
    expect(cells[0]).toHaveAttribute('title', 'database is down');
  });
});
