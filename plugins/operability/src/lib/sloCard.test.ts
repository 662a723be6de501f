import { testSloSummary } from '../__testUtils__';
import {
  budgetSummary,
  noDataReason,
  errorLocation,
  errorsByFile,
  explainBudget,
} from './sloCard';

describe('SLO card shaping', () => {
  it('explains the budget with the actual numbers', () => {
    const steps = Object.fromEntries(
      explainBudget(testSloSummary()).map(s => [s.label, s]),
    );
    expect(steps.Events.value).toBe('39,900 of 40,320');
    expect(steps['Bad events'].value).toBe('420');
    expect(steps.SLI.value).toBe('98.9583%');
    expect(steps['Error budget']).toEqual({
      label: 'Error budget',
      formula: '1 − target = 1 − 98%',
      value: '2% of events = 13h 26m of 28d (806.4 min)',
    });
    expect(steps['Allowed bad events']).toEqual({
      label: 'Allowed bad events',
      formula: '(1 − target) × total',
      value: '806.4',
    });
    expect(steps['Budget spent'].value).toBe('52.08%');
    expect(steps['Budget remaining'].value).toBe('47.92% = 6h 26m');
    expect(steps['Burn rate 1h'].value).toBe('(2 / 60) / 2% = 1.67×');
    expect(steps.Window.value).toBe(
      '2026-10-28 12:00 UTC to 2026-11-25 12:00 UTC',
    );
  });

  it('says when the budget covers a calendar period so far', () => {
    const slo = testSloSummary({ period: '1M' });
    slo.budget = {
      ...slo.budget!,
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-16T00:00:00Z',
    };
    const allowed = explainBudget(slo).find(
      s => s.label === 'Allowed bad events',
    );
    expect(allowed?.formula).toBe(
      '(1 − target) × total × period / elapsed (15d of 1M)',
    );
  });

  it('has nothing to explain before the first evaluation', () => {
    expect(explainBudget(testSloSummary({ budget: undefined }))).toEqual([]);
    expect(budgetSummary(testSloSummary({ budget: undefined }))).toBe(
      'no data yet',
    );
  });

  it('summarizes the budget left, or overspent', () => {
    expect(budgetSummary(testSloSummary())).toBe(
      '47.9% left (6h 26m of 13h 26m)',
    );
    const slo = testSloSummary();
    slo.budget = {
      ...slo.budget!,
      consumed: 1.25,
      remaining: -0.25,
      remainingMinutes: -201.6,
    };
    expect(budgetSummary(slo)).toBe('Exhausted: overspent 1.3× (3h 22m over)');
    slo.budget = { ...slo.budget, consumed: 3.495, remaining: -2.495 };
    expect(budgetSummary(slo)).toMatch(/^Exhausted: overspent 3\.5× /);
  });

  it('says why an SLO has no figures, from where its data stands', () => {
    const empty = testSloSummary();
    delete empty.budget;
    expect(noDataReason(testSloSummary())).toBeUndefined();
    expect(
      noDataReason({
        ...empty,
        collection: {
          source: null,
          state: 'unconfigured',
          detail: 'No Prometheus instance is configured',
        },
      }),
    ).toMatchObject({
      severity: 'warning',
      title: expect.stringContaining('No Prometheus instance is configured'),
      action: expect.stringContaining('/slos/slo-hub/sli'),
    });
    expect(
      noDataReason({
        ...empty,
        collection: {
          source: 'prometheus',
          state: 'failed',
          lastError: 'Prometheus answered 503',
        },
      }),
    ).toMatchObject({
      severity: 'error',
      title: 'Collecting from prometheus failed: Prometheus answered 503',
    });
    expect(
      noDataReason({
        ...empty,
        collection: { source: 'prometheus', state: 'empty' },
      })!.title,
    ).toBe('The prometheus queries returned no data over the 28d period.');
    expect(
      noDataReason({
        ...empty,
        collection: { source: 'prometheus', state: 'pending' },
      })!.severity,
    ).toBe('info');
    expect(
      noDataReason({ ...empty, collection: { source: null, state: 'push' } })!
        .action,
    ).toMatch(/^Push good and total counts/);
  });

  it('groups validation errors by file and says where each is', () => {
    const errors = [
      {
        file: 'slos/a.yaml',
        document: 0,
        path: 'spec.objectives[0].target',
        message: 'x',
      },
      { file: 'slos/b.yaml', message: 'could not be read' },
      { file: 'slos/a.yaml', document: 1, message: 'y' },
    ];
    expect(errorsByFile(errors).map(g => [g.file, g.errors.length])).toEqual([
      ['slos/a.yaml', 2],
      ['slos/b.yaml', 1],
    ]);
    expect(errorLocation(errors[0])).toBe(
      'document 1, spec.objectives[0].target',
    );
    expect(errorLocation(errors[1])).toBe('');
  });
});
