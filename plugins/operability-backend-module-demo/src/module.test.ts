import { readAnchor, selectorLabels, waitForComponents } from './module';

describe('selectorLabels', () => {
  it('turns the equality matchers of an alert selector into alert labels', () => {
    expect(
      selectorLabels('service=jupyterhub, namespace="opf-jupyterhub"'),
    ).toEqual({ service: 'jupyterhub', namespace: 'opf-jupyterhub' });
  });

  it('skips matchers that are not equalities', () => {
    expect(selectorLabels('service=~"thanos.*",env!=dev,job=x')).toEqual({
      job: 'x',
    });
  });
});

describe('waitForComponents', () => {
  it('waits until the catalog answers with entities, through failures', async () => {
    const answers: Array<string[] | Error> = [
      new Error('catalog not ready'),
      [],
      ['component:default/jupyterhub'],
      ['component:default/jupyterhub', 'component:default/thanos'],
    ];
    let calls = 0;
    const list = async () => {
      const answer = answers[Math.min(calls++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    };
    await expect(
      waitForComponents(list, { intervalMs: 1, timeoutMs: 10_000 }),
    ).resolves.toEqual([
      'component:default/jupyterhub',
      'component:default/thanos',
    ]);
    expect(calls).toBe(4);
  });

  it('gives up with nothing after the timeout', async () => {
    await expect(
      waitForComponents(async () => [], { intervalMs: 1, timeoutMs: 20 }),
    ).resolves.toEqual([]);
  });
});

describe('readAnchor', () => {
  it('is the current hour unless configured', () => {
    expect(readAnchor(undefined, Date.parse('2026-11-25T10:52:39Z'))).toBe(
      Date.parse('2026-11-25T10:00:00Z'),
    );
  });

  it('takes a configured ISO instant, such as the one a backfill printed', () => {
    expect(readAnchor('2026-11-20T08:00:00.000Z')).toBe(
      Date.parse('2026-11-20T08:00:00Z'),
    );
  });

  it('refuses what is not an instant, saying what to write', () => {
    expect(() => readAnchor('yesterday')).toThrow(
      'operability.demo.anchor must be an ISO 8601 instant such as 2026-11-25T10:00:00Z, not yesterday',
    );
  });
});
