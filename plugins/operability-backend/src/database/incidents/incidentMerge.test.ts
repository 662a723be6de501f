/* eslint-disable no-script-url -- these tests check that script URLs are refused */
import type { IncidentObservation } from '@airworthy/plugin-operability-node';
import fc from 'fast-check';
import {
  mergeObservation,
  normalizeObservation,
  type IncidentState,
} from './incidentMerge';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const MIN = 60_000;

function observation(
  overrides: Partial<IncidentObservation>,
): IncidentObservation {
  return normalizeObservation({
    sourceKey: 'k',
    entityRefs: ['component:default/jupyterhub'],
    title: 'JupyterHub down',
    severity: 'critical',
    status: 'open',
    startedAt: T0,
    observedAt: T0,
    ...overrides,
  });
}

function mergeAll(observations: IncidentObservation[]) {
  return observations.reduce<IncidentState | undefined>(
    (state, o) => mergeObservation(state, o),
    undefined,
  )!;
}

describe('normalizeObservation', () => {
  it('keeps only http(s) links, canonical refs, bounded text and ordered times', () => {
    const o = normalizeObservation({
      sourceKey: 'k',
      entityRefs: [
        'Component:default/JupyterHub',
        'component:default/jupyterhub',
      ],
      title: '  ',
      severity: 'warning',
      status: 'acknowledged',
      startedAt: T0,
      detectedAt: T0 - MIN,
      acknowledgedAt: T0 - 2 * MIN,
      observedAt: T0,
      links: {
        issue: 'javascript:alert(1)',
        runbook: 'https://runbooks.example/jupyterhub',
        postMortem: '/relative',
      },
      labels: ['b', 'a', 'a', ' '],
    });
    expect(o.entityRefs).toEqual(['component:default/jupyterhub']);
    expect(o.title).toBe('k');
    expect(o.detectedAt).toBe(T0);
    expect(o.acknowledgedAt).toBe(T0);
    expect(o.links).toEqual({ runbook: 'https://runbooks.example/jupyterhub' });
    expect(o.labels).toEqual(['a', 'b']);
  });
});

describe('mergeObservation', () => {
  it('opens, acknowledges and resolves with the times of each step', () => {
    const state = mergeAll([
      observation({ status: 'open', observedAt: T0 }),
      observation({
        status: 'acknowledged',
        acknowledgedAt: T0 + 4 * MIN,
        observedAt: T0 + 4 * MIN,
      }),
      observation({
        status: 'resolved',
        resolvedAt: T0 + 30 * MIN,
        observedAt: T0 + 30 * MIN,
      }),
    ]);
    expect(state).toMatchObject({
      status: 'resolved',
      startedAt: T0,
      detectedAt: T0,
      acknowledgedAt: T0 + 4 * MIN,
      resolvedAt: T0 + 30 * MIN,
      observedAt: T0 + 30 * MIN,
    });
  });

  it('keeps the resolution when the older "open" observation arrives last', () => {
    const resolved = observation({
      status: 'resolved',
      resolvedAt: T0 + 10 * MIN,
      observedAt: T0 + 10 * MIN,
      title: 'newest title',
    });
    const firing = observation({ observedAt: T0, title: 'old title' });
    const state = mergeAll([resolved, firing]);
    expect(state.status).toBe('resolved');
    expect(state.resolvedAt).toBe(T0 + 10 * MIN);
    expect(state.title).toBe('newest title');
  });

  it('reopens on a newer open observation and resolves again later', () => {
    const state = mergeAll([
      observation({ status: 'resolved', observedAt: T0 + 10 * MIN }),
      observation({ status: 'open', observedAt: T0 + 20 * MIN }),
    ]);
    expect(state.status).toBe('open');
    expect(state.resolvedAt).toBeUndefined();

    const again = mergeObservation(
      state,
      observation({
        status: 'resolved',
        resolvedAt: T0 + 45 * MIN,
        observedAt: T0 + 46 * MIN,
      }),
    );
    expect(again.resolvedAt).toBe(T0 + 45 * MIN);
  });

  it('uses the observation time as resolution time when the source gives none', () => {
    const state = mergeAll([
      observation({ status: 'resolved', observedAt: T0 + 7 * MIN }),
    ]);
    expect(state.resolvedAt).toBe(T0 + 7 * MIN);
  });

  it('takes the earliest acknowledgement, even after an unacknowledge', () => {
    const state = mergeAll([
      observation({ status: 'acknowledged', observedAt: T0 + 3 * MIN }),
      observation({ status: 'open', observedAt: T0 + 33 * MIN }),
      observation({ status: 'acknowledged', observedAt: T0 + 40 * MIN }),
    ]);
    expect(state.status).toBe('acknowledged');
    expect(state.acknowledgedAt).toBe(T0 + 3 * MIN);
  });

  it('keeps the known entities when the newest observation maps to none', () => {
    const state = mergeAll([
      observation({ observedAt: T0 }),
      observation({ entityRefs: [], observedAt: T0 + MIN, title: 'renamed' }),
    ]);
    expect(state.entityRefs).toEqual(['component:default/jupyterhub']);
    expect(state.title).toBe('renamed');
  });

  it('gives the same incident whatever the order and however often observations arrive', () => {
    const statuses = ['open', 'acknowledged', 'resolved'] as const;
    const arbObservation = fc
      .record({
        offset: fc.integer({ min: 0, max: 600 }),
        status: fc.constantFrom(...statuses),
        resolvedLag: fc.option(fc.integer({ min: 0, max: 30 }), {
          nil: undefined,
        }),
        startLag: fc.integer({ min: 0, max: 5 }),
        severity: fc.constantFrom(
          'critical',
          'warning',
          'info',
        ) as fc.Arbitrary<'critical' | 'warning' | 'info'>,
      })
      .map(r =>
        observation({
          status: r.status,
          severity: r.severity,
          title: `seen at ${r.offset}`,
          startedAt: T0 - r.startLag * MIN,
          observedAt: T0 + r.offset * MIN,
          resolvedAt:
            r.status === 'resolved' && r.resolvedLag !== undefined
              ? T0 + (r.offset - r.resolvedLag) * MIN
              : undefined,
        }),
      );
    // Distinct observation times: a source never reports two states at the same instant.
    const arbHistory = fc.uniqueArray(arbObservation, {
      minLength: 1,
      maxLength: 8,
      selector: o => o.observedAt,
    });
    fc.assert(
      fc.property(
        arbHistory,
        fc.func(fc.integer()),
        fc.array(fc.nat(), { maxLength: 4 }),
        (history, shuffleKey, duplicates) => {
          const inOrder = mergeAll(
            [...history].sort((a, b) => a.observedAt - b.observedAt),
          );
          const shuffled = [...history]
            .map((o, i) => ({ o, k: shuffleKey(i) }))
            .sort((a, b) => a.k - b.k)
            .map(({ o }) => o);
          for (const d of duplicates) {
            shuffled.splice(
              d % (shuffled.length + 1),
              0,
              history[d % history.length],
            );
          }
          const { merge: _a, ...expected } = inOrder;
          const { merge: _b, ...actual } = mergeAll(shuffled);
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
