import { matchesAlert, parseAlertSelector } from './alertSelector';

describe('alert selectors', () => {
  const labels = {
    alertname: 'JupyterHubDown',
    service: 'jupyterhub',
    namespace: 'opf-jupyterhub',
    cluster: 'smaug',
    severity: 'critical',
  };

  it('matches Operate First selectors', () => {
    const matchers = parseAlertSelector(
      'service=jupyterhub,namespace=opf-jupyterhub',
    );
    expect(matchers).toEqual([
      { name: 'service', op: '=', value: 'jupyterhub' },
      { name: 'namespace', op: '=', value: 'opf-jupyterhub' },
    ]);
    expect(matchesAlert(matchers, labels)).toBe(true);
    expect(matchesAlert(matchers, { ...labels, namespace: 'other' })).toBe(
      false,
    );
  });

  it('supports braces, quotes, negation and anchored regular expressions', () => {
    const matchers = parseAlertSelector(
      '{ service = "jupyter\\"hub", cluster=~"smaug|zero", severity!~warn.*, team!="ops" }',
    );
    expect(matchers.map(m => [m.name, m.op, m.value])).toEqual([
      ['service', '=', 'jupyter"hub'],
      ['cluster', '=~', 'smaug|zero'],
      ['severity', '!~', 'warn.*'],
      ['team', '!=', 'ops'],
    ]);
    expect(matchesAlert(matchers, { ...labels, service: 'jupyter"hub' })).toBe(
      true,
    );
    // Anchored: "smaug-2" is not "smaug".
    expect(
      matchesAlert(matchers, {
        ...labels,
        service: 'jupyter"hub',
        cluster: 'smaug-2',
      }),
    ).toBe(false);
  });

  it('treats a missing label as empty', () => {
    expect(matchesAlert(parseAlertSelector('team=""'), labels)).toBe(true);
    expect(matchesAlert(parseAlertSelector('team!=ops'), labels)).toBe(true);
    expect(matchesAlert(parseAlertSelector('team=ops'), labels)).toBe(false);
  });

  it.each([
    ['', /no label matchers/],
    ['service', /expected =, !=, =~ or !~ after "service"/],
    ['=x', /expected a label name/],
    ['service="open', /unterminated quoted value/],
    ['cluster=~"("', /invalid regular expression for "cluster"/],
    ['a="1" b="2"', /expected "," before/],
  ])('refuses %j with a message', (selector, message) => {
    expect(() => parseAlertSelector(selector)).toThrow(message);
  });
});
