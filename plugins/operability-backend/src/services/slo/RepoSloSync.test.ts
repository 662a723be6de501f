import { mockServices } from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openSloYaml, sloInput } from '../../__testUtils__/slos';
import { createTestStores } from '../../__testUtils__/stores';
import { RepoSloSync } from './RepoSloSync';

const createStores = createTestStores();

// A real HTTP server stands in for a Git host; Backstage's URL reader reads from it.
let server: Server;
let origin: string;
const files = new Map<string, string>();
let tmp: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    res.writeHead(body === undefined ? 404 : 200, {
      'Content-Type': 'text/plain',
    });
    res.end(body ?? 'not found');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'airworthy-sync-'));
  await fs.mkdir(path.join(tmp, 'catalog', 'slos'), { recursive: true });
  await fs.writeFile(path.join(tmp, 'outside.yaml'), openSloYaml());
});

afterAll(async () => {
  await new Promise(resolve => server.close(resolve));
  await fs.rm(tmp, { recursive: true, force: true });
});

function component(
  name: string,
  location: string,
  sloFiles: string | undefined,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': location,
        ...(sloFiles ? { 'airworthy.dev/slo-files': sloFiles } : {}),
      },
    },
    spec: { type: 'service', owner: 'group:default/sre' },
  };
}

async function setup(entities: Entity[]) {
  const { store } = await createStores();
  const config = new ConfigReader({
    backend: { reading: { allow: [{ host: new URL(origin).host }] } },
  });
  const logger = mockServices.logger.mock();
  const syncWith = (catalogEntities: Entity[]) =>
    new RepoSloSync({
      catalog: catalogServiceMock({ entities: catalogEntities }),
      auth: mockServices.auth(),
      urlReader: UrlReaders.default({ config, logger }),
      integrations: ScmIntegrations.fromConfig(config),
      store,
      logger,
      localDirectories: [path.join(tmp, 'catalog')],
    });
  return { store, sync: syncWith(entities), syncWith };
}

describe('RepoSloSync', () => {
  it('reads SLO files relative to the entity location and stores SLOs and per-file errors', async () => {
    files.set('/hub/slos.yaml', openSloYaml({ extraObjective: 0.9 }));
    const { store, sync } = await setup([
      component(
        'jupyterhub',
        `url:${origin}/hub/catalog-info.yaml`,
        // eslint-disable-next-line no-script-url
        'slos.yaml, missing.yaml, javascript:alert(1)',
      ),
    ]);

    await expect(sync.syncAll()).resolves.toEqual({
      entities: 1,
      slos: 2,
      errors: 2,
      removedEntities: 0,
    });
    const slos = await store.slos.listByEntity('component:default/jupyterhub');
    expect(slos.map(s => [s.ref, s.source, s.sourceLocation])).toEqual([
      ['availability', 'repo', `${origin}/hub/slos.yaml`],
      ['availability/1', 'repo', `${origin}/hub/slos.yaml`],
    ]);
    const sync1 = await store.fileErrors.get('component:default/jupyterhub');
    expect(sync1!.files).toEqual([`${origin}/hub/slos.yaml`]);
    expect(sync1!.errors).toEqual([
      {
        file: `${origin}/hub/missing.yaml`,
        message: expect.stringMatching(/^could not be read: .*not found/i),
      },
      {
        // eslint-disable-next-line no-script-url
        file: 'javascript:alert(1)',
        message:
          'only http(s) URLs and paths relative to the entity are read; other schemes are refused',
      },
    ]);
  });

  it('reports validation errors with file, document and path, and keeps valid documents', async () => {
    files.set(
      '/thanos/slos.yaml',
      `${openSloYaml({ name: 'good' })}---\n${openSloYaml({
        name: 'bad',
        target: 2,
      })}`,
    );
    const { store, sync } = await setup([
      component(
        'thanos',
        `url:${origin}/thanos/catalog-info.yaml`,
        'slos.yaml',
      ),
    ]);
    await sync.syncAll();
    const slos = await store.slos.listByEntity('component:default/thanos');
    expect(slos.map(s => s.name)).toEqual(['good']);
    const { errors } = (await store.fileErrors.get(
      'component:default/thanos',
    ))!;
    expect(errors).toEqual([
      expect.objectContaining({
        file: `${origin}/thanos/slos.yaml`,
        document: 1,
        path: expect.stringMatching(/^spec\.objectives\[0\]\.target/),
      }),
    ]);
  });

  it('reads local files only inside the configured directories', async () => {
    await fs.writeFile(
      path.join(tmp, 'catalog', 'slos', 'trino.yaml'),
      openSloYaml({ name: 'trino' }),
    );
    const { store, sync } = await setup([
      component(
        'trino',
        `file:${path.join(tmp, 'catalog', 'catalog-info.yaml')}`,
        'slos/trino.yaml, ../outside.yaml',
      ),
    ]);
    await sync.syncAll();
    const slos = await store.slos.listByEntity('component:default/trino');
    expect(slos.map(s => s.name)).toEqual(['trino']);
    const { errors } = (await store.fileErrors.get('component:default/trino'))!;
    expect(errors).toEqual([
      {
        file: `file:${path.join(tmp, 'outside.yaml')}`,
        message:
          'could not be read: local files are read only inside operability.sloFiles.localDirectories',
      },
    ]);
  });

  it('leaves API SLOs of the same name alone and reports the clash', async () => {
    files.set('/grafana/slos.yaml', openSloYaml());
    const entity = component(
      'grafana',
      `url:${origin}/grafana/catalog-info.yaml`,
      'slos.yaml',
    );
    const { store, sync } = await setup([entity]);
    const manual = await store.slos.upsert(
      sloInput({ entityRef: 'component:default/grafana' }),
    );
    await sync.syncAll();
    const slos = await store.slos.listByEntity('component:default/grafana');
    expect(slos).toEqual([manual]);
    const { errors } = (await store.fileErrors.get(
      'component:default/grafana',
    ))!;
    expect(errors[0].message).toBe(
      'component:default/grafana already has an SLO named availability created through the API; rename one of them',
    );
  });

  it('removes repo SLOs and errors of entities that no longer name SLO files', async () => {
    files.set('/hub/slos.yaml', openSloYaml());
    const location = `url:${origin}/hub/catalog-info.yaml`;
    const { store, sync, syncWith } = await setup([
      component('jupyterhub', location, 'slos.yaml'),
    ]);
    await sync.syncAll();
    expect(
      await store.slos.listByEntity('component:default/jupyterhub'),
    ).toHaveLength(1);

    const emptied = syncWith([component('jupyterhub', location, undefined)]);
    await expect(emptied.syncAll()).resolves.toMatchObject({
      entities: 0,
      removedEntities: 1,
    });
    await expect(
      store.slos.listByEntity('component:default/jupyterhub'),
    ).resolves.toEqual([]);
    await expect(
      store.fileErrors.get('component:default/jupyterhub'),
    ).resolves.toBeUndefined();
  });

  it('syncs and removes nothing more once its task times out', async () => {
    files.set('/hub/slos.yaml', openSloYaml());
    const location = `url:${origin}/hub/catalog-info.yaml`;
    const { store, sync, syncWith } = await setup([
      component('jupyterhub', location, 'slos.yaml'),
    ]);
    await sync.syncAll();

    const changed = syncWith([component('grafana', location, 'slos.yaml')]);
    await expect(changed.syncAll(AbortSignal.abort())).resolves.toEqual({
      entities: 1,
      slos: 0,
      errors: 0,
      removedEntities: 0,
    });
    expect(
      await store.slos.listByEntity('component:default/jupyterhub'),
    ).toHaveLength(1);
    expect(await store.slos.listByEntity('component:default/grafana')).toEqual(
      [],
    );
  });
});
