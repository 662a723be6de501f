import { parseExemptionsAnnotation } from './exemptions';
import { exemptionWriteSchema } from '../api/scores';

describe('parseExemptionsAnnotation', () => {
  it('reads a list of exemptions; a date is valid through that day (UTC)', () => {
    const { exemptions, errors } = parseExemptionsAnnotation(`
- check: on-call
  reason: Volunteer project, best-effort support only
  author: user:default/alice
  expiresAt: 2027-06-30
- check: dashboard
  reason: No traffic to chart yet
  author: Alice (SIG ops)
  expiresAt: 2027-01-15T12:00:00+01:00
`);
    expect(errors).toEqual([]);
    expect(exemptions).toEqual([
      {
        check: 'on-call',
        reason: 'Volunteer project, best-effort support only',
        author: 'user:default/alice',
        expiresAt: Date.parse('2027-07-01T00:00:00Z'),
      },
      {
        check: 'dashboard',
        reason: 'No traffic to chart yet',
        author: 'Alice (SIG ops)',
        expiresAt: Date.parse('2027-01-15T11:00:00Z'),
      },
    ]);
  });

  it('reads one exemption written as a mapping, or as JSON', () => {
    const yaml = parseExemptionsAnnotation(
      'check: runbook\nreason: x\nauthor: bob\nexpiresAt: 2027-01-01',
    );
    const json = parseExemptionsAnnotation(
      '{"check":"runbook","reason":"x","author":"bob","expiresAt":"2027-01-01"}',
    );
    expect(yaml.exemptions).toHaveLength(1);
    expect(json).toEqual(yaml);
  });

  it('has nothing for an absent or blank annotation', () => {
    expect(parseExemptionsAnnotation(undefined)).toEqual({
      exemptions: [],
      errors: [],
    });
    expect(parseExemptionsAnnotation('  \n')).toEqual({
      exemptions: [],
      errors: [],
    });
  });

  it('reports every problem with its index and field, and keeps the good entries', () => {
    const { exemptions, errors } = parseExemptionsAnnotation(`
- check: Runbook!
  reason: ''
  expiresAt: 2027-02-30
- check: docs
  reason: fine
  author: bob
  expiresAt: 2027-03-01
  until: never
- just a string
- check: owner
  reason: ok
  author: carol
  expiresAt: 2027-03-01
`);
    expect(errors).toEqual([
      'airworthy.dev/exemptions[0].check: must be a check id such as "runbook" (lower-case letters, digits, "-")',
      'airworthy.dev/exemptions[0].reason: must say why the check does not apply',
      'airworthy.dev/exemptions[0].author: is required',
      'airworthy.dev/exemptions[0].expiresAt: must be a date such as 2027-06-30 (valid through that day, UTC) or an ISO 8601 date-time with a time zone',
      'airworthy.dev/exemptions[1]: unknown field(s) until; use check, reason, author and expiresAt',
      'airworthy.dev/exemptions[2]: must be a mapping with check, reason, author and expiresAt',
    ]);
    expect(exemptions.map(e => e.check)).toEqual(['owner']);
  });

  it('reports YAML that does not parse', () => {
    const { exemptions, errors } =
      parseExemptionsAnnotation('- check: [unclosed');
    expect(exemptions).toEqual([]);
    expect(errors[0]).toMatch(/^airworthy\.dev\/exemptions: not valid YAML/);
  });
});

describe('exemptionWriteSchema', () => {
  it('needs a reason and an expiry, and nothing else', () => {
    const result = exemptionWriteSchema.safeParse({
      expiresAt: 'soon',
      by: 'me',
    });
    expect(result.success).toBe(false);
    expect(
      result.error!.issues.map(i => [i.path.join('.'), i.message]),
    ).toEqual([
      ['reason', 'is required'],
      [
        'expiresAt',
        'must be a date such as 2027-06-30 (valid through that day, UTC) or an ISO 8601 date-time with a time zone',
      ],
      ['', 'Unrecognized key: "by"'],
    ]);
    expect(
      exemptionWriteSchema.parse({
        reason: ' why ',
        expiresAt: '2027-01-01T00:00:00Z',
      }),
    ).toEqual({ reason: 'why', expiresAt: Date.parse('2027-01-01T00:00:00Z') });
  });
});
