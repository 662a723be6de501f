import { describeZodError } from './zod';
import { portfolioQuerySchema } from './scores';

describe('portfolioQuerySchema', () => {
  it('normalizes refs (bare names get the filter kind), lists and defaults', () => {
    expect(
      portfolioQuerySchema.parse({
        owner: ['sre', 'group:community/Web-Team'],
        system: 'analytics,user:default/x',
        domain: 'data-and-ai',
        tag: 'Python',
        level: ['walk', 'run'],
        groupBy: 'owner',
        limit: '10',
      }),
    ).toEqual({
      owner: ['group:default/sre', 'group:community/web-team'],
      system: ['system:default/analytics', 'user:default/x'],
      domain: ['domain:default/data-and-ai'],
      tag: ['python'],
      level: ['walk', 'run'],
      groupBy: 'owner',
      sort: 'score',
      limit: 10,
      offset: 0,
      trendDays: 28,
      format: 'json',
    });
  });

  it('says what to fix for each bad parameter', () => {
    const result = portfolioQuerySchema.safeParse({
      owner: 'group:',
      groupBy: 'team',
      sort: 'random',
      limit: '1000',
      format: 'xlsx',
      colour: 'red',
    });
    expect(result.success).toBe(false);
    expect(describeZodError(result.error!, 'query')).toBe(
      [
        'query.owner.0: must be an entity ref such as group:default/name, or a name',
        'query.groupBy: must be one of owner, system, domain, tag',
        'query.sort: must be one of score, level, name, owner, trend, budget, compliance, incidents, mttr',
        'query.limit: must be at most 500',
        'query.format: must be json or csv',
        'query: Unrecognized key: "colour"',
      ].join('; '),
    );
  });
});
