import type { PortfolioEntity } from '@airworthy/plugin-operability-common';
import {
  categoryRows,
  comparisonRows,
  formatTrend,
  levelDistribution,
  MAX_COMPARED,
  shortRef,
  sortedBy,
  toggleCompared,
  viewFromSearch,
  viewToOptions,
  viewToSearch,
} from './portfolio';

function entity(
  name: string,
  overrides: Partial<PortfolioEntity> = {},
): PortfolioEntity {
  return {
    entityRef: `component:default/${name}`,
    kind: 'component',
    namespace: 'default',
    name,
    owner: 'group:default/sre',
    tags: [],
    score: 50,
    level: 'walk',
    sloCount: 1,
    worstBudgetRemaining: 0.5,
    sloCompliance: 1,
    incidents: 2,
    mttrSeconds: 3600,
    trendDelta: 0,
    ...overrides,
  };
}

describe('portfolio comparison', () => {
  it('never calls missing data or standing still the best', () => {
    const comparedEntity = (
      name: string,
      incidents: number | null,
      trendDelta: number | null,
    ) => ({
      entityRef: `component:default/${name}`,
      kind: 'component',
      namespace: 'default',
      name,
      tags: [],
      score: 50,
      level: 'run',
      sloCount: 1,
      worstBudgetRemaining: null,
      sloCompliance: null,
      incidents,
      mttrSeconds: null,
      trendDelta,
    });
    const rows = comparisonRows(
      [comparedEntity('seldon', null, 0), comparedEntity('argocd', 3, -2)],
      [{ id: 'run', title: 'Run', threshold: 80 }],
    );
    const row = (label: string) => rows.find(r => r.label === label)!;
    expect(row('Level').values).toEqual(['Run', 'Run']);
    expect(row('Incidents')).toEqual({
      label: 'Incidents',
      values: ['no source', '3'],
      best: 1,
    });
    expect(row('Trend').values).toEqual(['±0', '−2']);
    expect(row('Trend').best).toBeUndefined();
  });
});

describe('portfolio shaping', () => {
  it('reads the view from the URL and writes it back without defaults', () => {
    const view = viewFromSearch(
      new URLSearchParams(
        'owner=group:default/sre,group:default/data-science&tag=python&tag=sql&groupBy=owner&sort=name&page=2&pageSize=50',
      ),
    );
    expect(view).toEqual({
      filters: {
        owner: ['group:default/sre', 'group:default/data-science'],
        system: [],
        domain: [],
        tag: ['python', 'sql'],
        level: [],
        kind: [],
      },
      groupBy: 'owner',
      sort: 'name',
      order: 'asc',
      page: 2,
      pageSize: 50,
    });
    expect(viewToSearch(view).toString()).toBe(
      'owner=group%3Adefault%2Fsre%2Cgroup%3Adefault%2Fdata-science&tag=python%2Csql&groupBy=owner&sort=name&page=2&pageSize=50',
    );
    expect(viewToOptions(view)).toEqual({
      owner: ['group:default/sre', 'group:default/data-science'],
      tag: ['python', 'sql'],
      groupBy: 'owner',
      sort: 'name',
      order: 'asc',
      limit: 50,
      offset: 100,
    });
  });

  it('falls back to the defaults for anything it does not know', () => {
    const view = viewFromSearch(
      new URLSearchParams('sort=evil&order=up&page=-3&pageSize=7&groupBy=x'),
    );
    expect(view).toMatchObject({
      groupBy: undefined,
      sort: 'score',
      order: 'desc',
      page: 0,
      pageSize: 25,
    });
    expect(viewToSearch(view).toString()).toBe('');
  });

  it('sorts by a new column in its first order, and turns the order of the current one', () => {
    const view = viewFromSearch(new URLSearchParams());
    expect(sortedBy(view, 'name')).toEqual({ sort: 'name', order: 'asc' });
    // The first click on a measure puts who is behind on top: the least budget left.
    expect(sortedBy(view, 'budget')).toEqual({ sort: 'budget', order: 'asc' });
    expect(sortedBy(view, 'trend')).toEqual({ sort: 'trend', order: 'asc' });
    expect(sortedBy(view, 'incidents')).toEqual({
      sort: 'incidents',
      order: 'desc',
    });
    expect(sortedBy(view, 'score')).toEqual({ sort: 'score', order: 'asc' });
    expect(sortedBy({ ...view, order: 'asc' }, 'score')).toEqual({
      sort: 'score',
      order: 'desc',
    });
  });

  it('counts entities per level, lowest first, and the unscored ones', () => {
    expect(
      levelDistribution(
        {
          count: 10,
          scored: 8,
          mean: 55,
          median: 60,
          levels: { crawl: 3, walk: 4, run: 1 },
        },
        [
          { id: 'run', title: 'Run', threshold: 80 },
          { id: 'crawl', title: 'Crawl', threshold: 0 },
          { id: 'walk', title: 'Walk', threshold: 50 },
        ],
      ),
    ).toEqual([
      { id: 'crawl', title: 'Crawl', count: 3, share: 0.3 },
      { id: 'walk', title: 'Walk', count: 4, share: 0.4 },
      { id: 'run', title: 'Run', count: 1, share: 0.1 },
      { id: 'unscored', title: 'Not scored', count: 2, share: 0.2 },
    ]);
  });

  it('writes trends and refs for people', () => {
    expect(formatTrend(3.24)).toBe('+3.2');
    expect(formatTrend(-1.46)).toBe('−1.5');
    expect(formatTrend(0.04)).toBe('±0');
    expect(formatTrend(null)).toBe('–');
    expect(shortRef('group:default/sre')).toBe('sre');
    expect(shortRef('group:cncf/tag-observability')).toBe(
      'cncf/tag-observability',
    );
    expect(shortRef(undefined)).toBe('–');
  });

  it('compares entities measure by measure and marks the single best', () => {
    const rows = comparisonRows([
      entity('a', { score: 80, incidents: 2, mttrSeconds: null }),
      entity('b', { score: 60, incidents: 1, mttrSeconds: 7200 }),
      entity('c', {
        score: null,
        incidents: null,
        level: null,
        mttrSeconds: null,
      }),
    ]);
    const row = (label: string) => rows.find(r => r.label === label)!;
    expect(row('Score')).toEqual({
      label: 'Score',
      values: ['80', '60', '–'],
      best: 0,
    });
    // Fewer incidents is better.
    expect(row('Incidents').best).toBe(1);
    expect(row('MTTR')).toMatchObject({ values: ['–', '2h', '–'], best: 1 });
    // A tie marks nobody.
    expect(row('SLOs').best).toBeUndefined();
    expect(row('Level').values).toEqual(['walk', 'walk', '–']);
  });

  it('compares at most five entities', () => {
    let compared: PortfolioEntity[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) {
      compared = toggleCompared(compared, entity(name));
    }
    expect(compared.map(e => e.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(compared).toHaveLength(MAX_COMPARED);
    compared = toggleCompared(compared, entity('b'));
    expect(compared.map(e => e.name)).toEqual(['a', 'c', 'd', 'e']);
  });

  it('compares the category scores of the entities', () => {
    const category = (id: string, title: string, score: number | null) => ({
      id,
      title,
      score,
    });
    expect(
      categoryRows([
        {
          categories: [
            category('service-level', 'Service level', 80),
            category('incident-response', 'Incident response', null),
          ],
        },
        undefined,
        {
          categories: [
            category('service-level', 'Service level', 95.25),
            category('operational-readiness', 'Operational readiness', 50),
          ],
        },
      ]),
    ).toEqual([
      { label: 'Service level', values: ['80', '–', '95.3'], best: 2 },
      { label: 'Incident response', values: ['–', '–', '–'] },
      { label: 'Operational readiness', values: ['–', '–', '50'], best: 2 },
    ]);
  });
});
