import {
  coreServices,
  createBackendModule,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import request from 'supertest';
import { TIME } from '@airworthy/plugin-operability-common';
import { openSloYaml } from '../../__testUtils__/slos';
import { createRealCatalogTestBackend } from '../../__testUtils__/realCatalog';
import { TASK_IDS } from '../../tasks/schedule';

jest.setTimeout(180_000);

const { MINUTE } = TIME;
const ALICE = mockCredentials.user.header('user:default/alice');
const BOB = mockCredentials.user.header('user:default/bob');

const ENTITIES: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'data-science' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice' },
    spec: { memberOf: ['data-science'] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'bob' },
    spec: { memberOf: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'jupyterhub' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/data-science',
    },
  },
];

/** The operability plugin's scheduler, to run its evaluation task now. */
function schedulerCapture() {
  const captured: { scheduler?: SchedulerService } = {};
  const module = createBackendModule({
    pluginId: 'operability',
    moduleId: 'test-scheduler',
    register(env) {
      env.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          captured.scheduler = scheduler;
        },
      });
    },
  });
  return { module, captured };
}

const startBackend = createRealCatalogTestBackend();

async function until<T>(
  probe: () => Promise<T | undefined>,
  what: string,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > 60_000) throw new Error(`Timed out: ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

describe('SLO notifications through the real notifications backend', () => {
  it("lands in the inbox of the entity's owners once, and not in others'", async () => {
    const { module, captured } = schedulerCapture();
    const backend = await startBackend({
      entities: ENTITIES,
      features: [notificationsPlugin, module],
      config: { app: { baseUrl: 'http://localhost:3207' } },
    });
    const created = await request(backend.server)
      .post('/api/operability/entities/component/default/jupyterhub/slos')
      .set('Authorization', ALICE)
      .set('Content-Type', 'application/yaml')
      .send(openSloYaml({ target: 0.99 }));
    expect(created.status).toBe(201);
    const id: string = created.body.items[0].id;

    // An hour in which every request failed: the 28-day budget is gone.
    const minute = Math.floor(Date.now() / MINUTE) * MINUTE;
    const buckets = Array.from({ length: 60 }, (_, i) => ({
      start: new Date(minute - (61 - i) * MINUTE).toISOString(),
      good: 0,
      total: 100,
    }));
    const pushed = await request(backend.server)
      .post(`/api/operability/slos/${id}/sli`)
      .set('Authorization', ALICE)
      .send({ buckets });
    expect(pushed.status).toBe(200);

    const inbox = async (as: string) => {
      const res = await request(backend.server)
        .get('/api/notifications/notifications')
        .set('Authorization', as);
      expect(res.status).toBe(200);
      return res.body as {
        totalCount: number;
        notifications: Array<{
          user: string;
          origin: string;
          payload: Record<string, string>;
        }>;
      };
    };

    await captured.scheduler!.triggerTask(TASK_IDS.evaluation);
    const landed = await until(async () => {
      const body = await inbox(ALICE);
      return body.totalCount > 0 ? body : undefined;
    }, 'the notification of the exhausted SLO');
    expect(landed.notifications).toEqual([
      expect.objectContaining({
        user: 'user:default/alice',
        origin: 'plugin:operability',
        payload: expect.objectContaining({ severity: 'critical' }),
      }),
    ]);
    const { payload } = landed.notifications[0];
    expect(payload.title).toMatch(
      /^Hub availability: exhausted \((overspent \d+(\.\d)?×|no budget left)\)$/,
    );
    expect(payload).toMatchObject({
      severity: 'critical',
      link: '/catalog/default/component/jupyterhub/operability',
      topic: `airworthy:slo:${id}`,
      scope: `airworthy:slo:${id}:1`,
    });
    expect((await inbox(BOB)).totalCount).toBe(0);

    // The state holds: a second evaluation sends nothing more. The test backend's scheduler
    // (backend-test-utils' MockSchedulerService) tells when that run has ended, transitions
    // included (they are recorded after the evaluations are stored).
    const evaluatedAt = async () =>
      Number(
        (await backend.knex('slo_evaluations').where({ slo_id: id }).first())
          .evaluated_at,
      );
    const first = await evaluatedAt();
    await new Promise(resolve => setTimeout(resolve, 5));
    const scheduler = captured.scheduler as SchedulerService & {
      waitForTask(taskId: string): Promise<void>;
    };
    expect(scheduler.waitForTask).toBeInstanceOf(Function);
    const ended = scheduler.waitForTask(TASK_IDS.evaluation);
    await scheduler.triggerTask(TASK_IDS.evaluation);
    await ended;
    expect(await evaluatedAt()).toBeGreaterThan(first);
    const sent = await backend
      .knex('notification_outbox')
      .select('key', 'sent_at');
    expect(sent).toEqual([{ key: `slo:${id}:1`, sent_at: expect.anything() }]);
    expect((await inbox(ALICE)).totalCount).toBe(1);
  });
});
