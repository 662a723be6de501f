import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { createOperabilityTestBackend } from '../__testUtils__/testBackend';
import { TIME } from '@airworthy/plugin-operability-common';
import { SLI_DEFAULTS } from '../config/sli';
import { KnexSliStore } from '../database/sli/SliStore';

const { MINUTE, HOUR, DAY } = TIME;

const jupyterhub = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'jupyterhub', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/data-science' },
};

const startOperabilityBackend = createOperabilityTestBackend();

async function start(
  options: { permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY } = {},
) {
  const backend = await startOperabilityBackend({
    entities: [jupyterhub],
    features: options.permission
      ? [mockServices.permissions.factory({ result: options.permission })]
      : [],
  });
  const slo = (id: string, entityRef: string) => ({
    id,
    entity_ref: entityRef,
    name: 'availability',
    source: 'api',
    target: 0.98,
    period: '28d',
    definition: '{}',
    created_at: 1,
    updated_at: 1,
  });
  await backend
    .knex('slos')
    .insert([
      slo('slo-1', 'component:default/jupyterhub'),
      slo('slo-hidden', 'component:default/not-in-catalog'),
    ]);
  return backend;
}

function minuteIso(offset: number) {
  return new Date(
    Math.floor(Date.now() / MINUTE) * MINUTE + offset * MINUTE,
  ).toISOString();
}

/** The SLO's stored minute buckets of the last day, read through the store. */
async function storedBuckets(backend: Awaited<ReturnType<typeof start>>) {
  const sli = new KnexSliStore(backend.knex, SLI_DEFAULTS.levels);
  const now = Date.now();
  const { rows } = await sli.getRunningTotals(
    'slo-1',
    MINUTE,
    now - DAY,
    now + HOUR,
  );
  return rows.map(r => ({
    bucket_start: r.start,
    good: r.good,
    total: r.total,
  }));
}

describe('POST /slos/:id/sli', () => {
  it('stores buckets, and a repeated push changes nothing', async () => {
    const backend = await start();
    const body = {
      buckets: [
        { start: minuteIso(-3), good: 98, total: 100 },
        { start: minuteIso(-2), good: 100, total: 100 },
      ],
    };
    const first = await request(backend.server)
      .post('/api/operability/slos/slo-1/sli')
      .send(body);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      sloId: 'slo-1',
      inserted: 2,
      replaced: 0,
      unchanged: 0,
    });
    const again = await request(backend.server)
      .post('/api/operability/slos/slo-1/sli')
      .send(body);
    expect(again.body).toEqual({
      sloId: 'slo-1',
      inserted: 0,
      replaced: 0,
      unchanged: 2,
    });
    expect((await storedBuckets(backend)).map(r => Number(r.good))).toEqual([
      98, 100,
    ]);
  });

  it('replaces a stored bucket sent with other counts', async () => {
    const backend = await start();
    const start0 = minuteIso(-1);
    await request(backend.server)
      .post('/api/operability/slos/slo-1/sli')
      .send({ buckets: [{ start: start0, good: 5, total: 10 }] });
    const res = await request(backend.server)
      .post('/api/operability/slos/slo-1/sli')
      .send({ buckets: [{ start: start0, good: 9, total: 10 }] });
    expect(res.body).toMatchObject({ inserted: 0, replaced: 1 });
    expect(await storedBuckets(backend)).toEqual([
      {
        bucket_start: expect.anything(),
        good: 9,
        total: 10,
      },
    ]);
  });

  it.each([
    [
      'a negative count',
      [{ start: minuteIso(-1), good: -1, total: 10 }],
      /body\.buckets\.0\.good: must be zero or more/,
    ],
    [
      'good above total',
      [{ start: minuteIso(-1), good: 11, total: 10 }],
      /body\.buckets\.0\.good: good must not exceed total/,
    ],
    [
      'a count that is not a number',
      [{ start: minuteIso(-1), good: 'NaN', total: 10 }],
      /body\.buckets\.0\.good: must be a number/,
    ],
    [
      'a start without a time zone',
      [{ start: '2026-11-25T10:00:00', good: 1, total: 10 }],
      /body\.buckets\.0\.start: must be an ISO 8601 date-time with a time zone/,
    ],
    [
      'a misaligned start',
      [
        {
          start: new Date(Date.parse(minuteIso(-1)) + 30_000).toISOString(),
          good: 1,
          total: 10,
        },
      ],
      /buckets\[0\]\.start: .* is not aligned to 1m buckets; use .*:00\.000Z/,
    ],
    [
      'a far-future start',
      [{ start: minuteIso(60), good: 1, total: 10 }],
      /buckets\[0\]\.start: .* is in the future/,
    ],
    [
      'a start older than the retention',
      [{ start: '2020-01-01T00:00:00Z', good: 1, total: 10 }],
      /buckets\[0\]\.start: .* is older than the SLI retention/,
    ],
    [
      'the same bucket twice',
      [
        { start: minuteIso(-1), good: 1, total: 10 },
        { start: minuteIso(-1), good: 2, total: 10 },
      ],
      /buckets\[1\]\.start: the same bucket as buckets\[0\]/,
    ],
    ['no buckets', [], /body\.buckets: must hold at least one bucket/],
    [
      'an unknown field',
      [{ start: minuteIso(-1), good: 1, total: 10, bad: 3 }],
      /body\.buckets\.0: Unrecognized key/,
    ],
  ])(
    'refuses %s with 400 and a message, keeping stored data',
    async (_, buckets, message) => {
      const backend = await start();
      await request(backend.server)
        .post('/api/operability/slos/slo-1/sli')
        .send({ buckets: [{ start: minuteIso(-5), good: 7, total: 10 }] });
      const res = await request(backend.server)
        .post('/api/operability/slos/slo-1/sli')
        .send({
          // Invalid buckets first, then a valid change that must not be stored either.
          buckets:
            buckets.length > 0
              ? [...buckets, { start: minuteIso(-5), good: 1, total: 10 }]
              : [],
        });
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(message);
      expect(res.body.error.stack).toBeUndefined();
      expect((await storedBuckets(backend)).map(r => Number(r.good))).toEqual([
        7,
      ]);
    },
  );

  it('refuses a body that is not JSON with 400', async () => {
    const backend = await start();
    const res = await request(backend.server)
      .post('/api/operability/slos/slo-1/sli')
      .set('Content-Type', 'application/json')
      .send('{"buckets": [');
    expect(res.status).toBe(400);
    expect(res.body.error.stack).toBeUndefined();
  });

  it('answers 404 for an unknown SLO and for one whose entity the caller cannot see', async () => {
    const backend = await start();
    for (const id of ['nope', 'slo-hidden']) {
      const res = await request(backend.server)
        .post(`/api/operability/slos/${id}/sli`)
        .send({ buckets: [{ start: minuteIso(-1), good: 1, total: 1 }] });
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe(`No SLO with id ${id}`);
    }
  });

  it('requires credentials and the SLI write permission', async () => {
    const backend = await start({ permission: AuthorizeResult.DENY });
    const anonymous = await request(backend.server)
      .post('/api/operability/slos/slo-1/sli')
      .set('Authorization', mockCredentials.none.header())
      .send({ buckets: [{ start: minuteIso(-1), good: 1, total: 1 }] });
    expect(anonymous.status).toBe(401);

    const denied = await request(backend.server)
      .post('/api/operability/slos/slo-1/sli')
      .send({ buckets: [{ start: minuteIso(-1), good: 1, total: 1 }] });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({
      name: 'NotAllowedError',
      message:
        'You may not push SLI data for the SLOs of component:default/jupyterhub (permission operability.sli.write)',
    });
    expect(await storedBuckets(backend)).toEqual([]);
  });
});
