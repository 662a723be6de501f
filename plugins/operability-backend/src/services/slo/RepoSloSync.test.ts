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
      limits: {
        maxObjectivesPerDocument: 3,
        maxPerEntity: 4,
        maxPeriodMs: 400 * 86_400_000,
      },
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
      retiredEntities: 0,
      restoredEntities: 0,
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

  it('retires repo SLOs of entities that no longer name SLO files, and brings them back', async () => {
    files.set('/hub/slos.yaml', openSloYaml());
    const location = `url:${origin}/hub/catalog-info.yaml`;
    const { store, sync, syncWith } = await setup([
      component('jupyterhub', location, 'slos.yaml'),
    ]);
    await sync.syncAll();
    const [first] = await store.slos.listByEntity(
      'component:default/jupyterhub',
    );

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
    await expect(store.slos.get(first.id)).resolves.toMatchObject({
      retiredReason: 'file-removed',
    });

    await sync.syncAll();
    const [back] = await store.slos.listByEntity(
      'component:default/jupyterhub',
    );
    expect(back.id).toBe(first.id);
  });

  it('never erases history when an entity leaves the catalog: retired, then restored with its data', async () => {
    files.set('/hub/slos.yaml', openSloYaml());
    const hub = component(
      'jupyterhub',
      `url:${origin}/hub/catalog-info.yaml`,
      'slos.yaml',
    );
    const { store, sync, syncWith } = await setup([hub]);
    await sync.syncAll(Date.UTC(2026, 10, 1));
    const [slo] = await store.slos.listByEntity('component:default/jupyterhub');
    const manual = await store.slos.upsert(
      sloInput({
        entityRef: 'component:default/jupyterhub',
        name: 'manual',
        ref: 'manual',
        source: 'api',
      }),
    );
    const bucket = { start: Date.UTC(2026, 10, 1, 12), good: 99, total: 100 };
    await store.sli.writeBuckets(slo.id, [bucket], Date.UTC(2026, 10, 1, 13));

    // The entity is deleted from the catalog (anyone with catalog delete could do it).
    const gone = syncWith([]);
    await expect(gone.syncAll(Date.UTC(2026, 10, 2))).resolves.toMatchObject({
      retiredEntities: 1,
    });
    await expect(
      store.slos.listByEntity('component:default/jupyterhub'),
    ).resolves.toEqual([]);
    const retired = await store.slos.listRetired({
      entityRef: 'component:default/jupyterhub',
    });
    expect(retired.map(r => [r.ref, r.retiredReason])).toEqual(
      expect.arrayContaining([
        ['availability', 'entity-removed'],
        ['manual', 'entity-removed'],
      ]),
    );
    // Another sync while it is away changes nothing.
    await gone.syncAll(Date.UTC(2026, 10, 3));

    // It is registered again: both SLOs come back, same ids, with their SLI data.
    await expect(sync.syncAll(Date.UTC(2026, 10, 4))).resolves.toMatchObject({
      restoredEntities: 1,
    });
    const back = await store.slos.listByEntity('component:default/jupyterhub');
    expect(back.map(r => r.id).sort()).toEqual([slo.id, manual.id].sort());
    await expect(
      store.sli.getCounts(
        slo.id,
        bucket.start,
        bucket.start + 60_000,
        Date.UTC(2026, 10, 4),
      ),
    ).resolves.toMatchObject({ good: 99, total: 100 });
  });

  it('moves the SLOs of an entity renamed in its repository to its new name, with their history', async () => {
    files.set('/hub/slos.yaml', openSloYaml());
    const location = `url:${origin}/hub/catalog-info.yaml`;
    const { store, sync, syncWith } = await setup([
      component('jupyterhub', location, 'slos.yaml'),
    ]);
    await sync.syncAll();
    const [before] = await store.slos.listByEntity(
      'component:default/jupyterhub',
    );
    // The same catalog-info.yaml now names the entity "hub": the old one is gone.
    await syncWith([component('hub', location, 'slos.yaml')]).syncAll();
    const [after] = await store.slos.listByEntity('component:default/hub');
    expect(after.id).toBe(before.id);
    await expect(
      store.slos.listRetired({ entityRef: 'component:default/jupyterhub' }),
    ).resolves.toEqual([]);
  });

  it('caps periods, objectives per document and SLOs per entity, saying which were left out', async () => {
    files.set(
      '/big/slos.yaml',
      [
        openSloYaml({ name: 'crowded', objectives: [0.9, 0.95, 0.99, 0.999] }),
        openSloYaml({ name: 'one', objectives: [0.9, 0.95] }),
        openSloYaml({ name: 'two', objectives: [0.9, 0.95] }),
        openSloYaml({ name: 'three' }),
        openSloYaml({ name: 'longer', duration: '500d' }),
      ].join('---\n'),
    );
    const { store, sync } = await setup([
      component('big', `url:${origin}/big/catalog-info.yaml`, 'slos.yaml'),
    ]);
    await sync.syncAll();
    const slos = await store.slos.listByEntity('component:default/big');
    expect(slos.map(s => s.ref)).toEqual(['one', 'one/1', 'two', 'two/1']);
    const { errors } = (await store.fileErrors.get('component:default/big'))!;
    expect(
      errors
        .map(e => [e.document, e.message])
        .sort((a, b) => Number(a[0]) - Number(b[0])),
    ).toEqual([
      [
        0,
        'defines 4 objectives; at most 3 are allowed per document (operability.slos.maxObjectivesPerDocument)',
      ],
      [
        3,
        'component:default/big already has 4 SLOs (objectives counted one by one), the most allowed per entity (operability.slos.maxPerEntity); SLO three is left out',
      ],
      [
        4,
        'must be at most 400d: the SLI store keeps data that long at the most, so a longer budget could not be measured',
      ],
    ]);
  });

  it("keeps relative paths inside the entity's own repository on integration hosts", async () => {
    const { store, sync } = await setup([
      component(
        'private',
        'url:https://github.com/community/hub/blob/main/catalog-info.yaml',
        '../../../../other-org/private-repo/slos.yaml',
      ),
    ]);
    await sync.syncAll();
    const { errors } = (await store.fileErrors.get(
      'component:default/private',
    ))!;
    expect(errors).toEqual([
      {
        file: '../../../../other-org/private-repo/slos.yaml',
        message:
          "resolves to https://github.com/other-org/private-repo/slos.yaml, outside the entity's own repository; relative paths stay inside it (use a URL to name a file elsewhere)",
      },
    ]);
  });

  it('reads no local file for an entity registered from a URL', async () => {
    await fs.writeFile(
      path.join(tmp, 'catalog', 'slos', 'trino.yaml'),
      openSloYaml({ name: 'trino' }),
    );
    const entity = component(
      'sneaky',
      `url:${origin}/sneaky/catalog-info.yaml`,
      'slos/trino.yaml',
    );
    entity.metadata.annotations![
      'backstage.io/source-location'
    ] = `file:${path.join(tmp, 'catalog', 'catalog-info.yaml')}`;
    const { store, sync } = await setup([entity]);
    await sync.syncAll();
    await expect(
      store.slos.listByEntity('component:default/sneaky'),
    ).resolves.toEqual([]);
    const { errors } = (await store.fileErrors.get(
      'component:default/sneaky',
    ))!;
    expect(errors[0].message).toMatch(
      /a local path, but the entity was registered from url:.*; local paths are only read for entities registered from local files/,
    );
  });

  it('stops reading a file at 1 MiB instead of reading it whole', async () => {
    let sent = 0;
    const endless = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        // An endless body: only a reader that stops early ever finishes.
        while (res.write(chunk)) {
          sent += chunk.length;
          if (res.destroyed) return;
        }
        res.once('drain', pump);
      };
      pump();
      res.on('close', () => res.destroy());
    });
    await new Promise<void>(r => endless.listen(0, '127.0.0.1', r));
    const endlessOrigin = `http://127.0.0.1:${
      (endless.address() as AddressInfo).port
    }`;
    try {
      const { store } = await createStores();
      const config = new ConfigReader({
        backend: {
          reading: { allow: [{ host: new URL(endlessOrigin).host }] },
        },
      });
      const logger = mockServices.logger.mock();
      const sync = new RepoSloSync({
        catalog: catalogServiceMock({
          entities: [
            component(
              'huge',
              `url:${endlessOrigin}/catalog-info.yaml`,
              'slos.yaml',
            ),
          ],
        }),
        auth: mockServices.auth(),
        urlReader: UrlReaders.default({ config, logger }),
        integrations: ScmIntegrations.fromConfig(config),
        store,
        logger,
        localDirectories: [],
        limits: {
          maxObjectivesPerDocument: 3,
          maxPerEntity: 4,
          maxPeriodMs: 400 * 86_400_000,
        },
      });
      await sync.syncAll();
      const { errors } = (await store.fileErrors.get(
        'component:default/huge',
      ))!;
      expect(errors).toEqual([
        {
          file: `${endlessOrigin}/slos.yaml`,
          message: 'could not be read: larger than 1048576 bytes',
        },
      ]);
      expect(sent).toBeLessThan(64 * 1024 * 1024);
    } finally {
      endless.closeAllConnections();
      await new Promise(r => endless.close(r));
    }
  });
});
