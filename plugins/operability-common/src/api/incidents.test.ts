/* eslint-disable no-script-url -- these tests check that script URLs are refused */
import {
  httpUrlSchema,
  incidentListQuerySchema,
  manualIncidentCreateSchema,
  manualIncidentUpdateSchema,
  normalizeIncidentSeverity,
  toHttpUrl,
} from './incidents';
import { describeZodError } from './zod';

describe('incident API schemas', () => {
  it('accepts http(s) links only', () => {
    expect(toHttpUrl('https://github.com/operate-first/support/issues/1')).toBe(
      'https://github.com/operate-first/support/issues/1',
    );
    expect(toHttpUrl(' http://example.com ')).toBe('http://example.com/');
    for (const bad of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,<script>',
      'vbscript:x',
      'file:///etc/passwd',
      '/relative/path',
      '//example.com/x',
      `https://example.com/${'x'.repeat(3000)}`,
      42,
      undefined,
    ]) {
      expect([bad, toHttpUrl(bad)]).toEqual([bad, undefined]);
    }
    expect(httpUrlSchema.safeParse('javascript:void(0)').success).toBe(false);
  });

  it('parses list queries given once, repeated or comma-separated', () => {
    expect(
      incidentListQuerySchema.parse({
        severity: ['critical', 'warning,info'],
        status: 'open',
        from: '2026-11-01T00:00:00Z',
        limit: '5',
      }),
    ).toEqual({
      severity: ['critical', 'warning', 'info'],
      status: ['open'],
      from: Date.UTC(2026, 10, 1),
      view: 'incidents',
      limit: 5,
      offset: 0,
    });
    expect(incidentListQuerySchema.parse({ match: 'started' }).match).toBe(
      'started',
    );
    const bad = incidentListQuerySchema.safeParse({
      source: 'GitHub',
      offset: '-1',
      match: 'closed',
      extra: 'x',
    });
    expect(describeZodError(bad.error!, 'query')).toMatch(
      /query\.source\.0: must be a source name.*query\.match: must be one of open, started; query\.offset: must be at least 0/,
    );
  });

  it('checks the order of a manual incident’s times', () => {
    const result = manualIncidentCreateSchema.safeParse({
      title: 'x',
      severity: 'critical',
      startedAt: '2026-11-03T10:00:00Z',
      detectedAt: '2026-11-03T09:00:00Z',
      acknowledgedAt: '2026-11-03T08:00:00Z',
      resolvedAt: '2026-11-03T07:00:00Z',
    });
    expect(describeZodError(result.error!, 'body')).toBe(
      'body.detectedAt: must not be before startedAt; body.acknowledgedAt: must not be before detectedAt; body.resolvedAt: must not be before startedAt',
    );
  });

  it('refuses an empty update and accepts null to clear', () => {
    expect(manualIncidentUpdateSchema.safeParse({}).success).toBe(false);
    expect(
      manualIncidentUpdateSchema.parse({
        resolvedAt: null,
        links: { runbook: null },
      }),
    ).toEqual({ resolvedAt: null, links: { runbook: null } });
  });

  it('normalizes the severities of every source', () => {
    const cases: Array<[string, string | undefined]> = [
      ['critical', 'critical'],
      ['CRITICAL', 'critical'],
      ['page', 'critical'],
      ['P1', 'critical'],
      ['SEV-1', 'critical'],
      ['sev 0', 'critical'],
      ['severity/critical', 'critical'],
      ['priority/critical-urgent', 'critical'],
      ['warning', 'warning'],
      ['P3', 'warning'],
      ['major', 'warning'],
      ['priority/important-soon', 'warning'],
      ['info', 'info'],
      ['P5', 'info'],
      ['minor', 'info'],
      ['severity: low', 'info'],
      ['purple', undefined],
      ['', undefined],
    ];
    for (const [input, expected] of cases) {
      expect([input, normalizeIncidentSeverity(input)]).toEqual([
        input,
        expected,
      ]);
    }
  });
});
