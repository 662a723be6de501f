import { parseSloYaml, sloPhaseOf } from '@airworthy/plugin-operability-common';
import {
  describeSourceLocation,
  applySloFormChange,
  newSloTemplate,
  placeSloErrors,
  readSloDocument,
  SloDocumentShapeError,
} from './sloDocument';

const template = newSloTemplate({ name: 'jupyterhub', title: 'JupyterHub' });

describe('newSloTemplate', () => {
  it('is a valid OpenSLO SLO that the engine reads', () => {
    const result = parseSloYaml(template);
    expect(result.errors).toEqual([]);
    expect(result.slos).toHaveLength(1);
    expect(result.slos[0]).toMatchObject({
      name: 'jupyterhub-availability',
      service: 'jupyterhub',
      target: 0.99,
      budgetingMethod: 'Occurrences',
      timeWindow: { duration: '28d', isRolling: true },
    });
  });
});

describe('readSloDocument', () => {
  it('reads the form from the SLO document', () => {
    const state = readSloDocument(template);
    expect(state.syntaxErrors).toEqual([]);
    expect(state.sloDocument).toBe(0);
    expect(state.indicatorReadOnly).toBeUndefined();
    expect(state.values).toMatchObject({
      name: 'jupyterhub-availability',
      displayName: 'JupyterHub availability',
      service: 'jupyterhub',
      budgetingMethod: 'Occurrences',
      period: '28d',
      rolling: true,
      target: '99',
      events: 'good',
      counter: true,
      sourceType: 'Prometheus',
      query: 'http_requests_total{service="jupyterhub",code!~"5.."}',
      totalQuery: 'http_requests_total{service="jupyterhub"}',
    });
  });

  it('finds the SLO among other documents and reads targetPercent', () => {
    const yaml = `apiVersion: openslo/v1
kind: DataSource
metadata: { name: thanos }
spec: { type: Prometheus }
---
apiVersion: openslo/v1
kind: SLO
metadata: { name: a }
spec:
  service: a
  budgetingMethod: Occurrences
  indicatorRef: a-sli
  objectives:
    - targetPercent: 99.95
`;
    const state = readSloDocument(yaml);
    expect(state.sloDocument).toBe(1);
    expect(state.values.target).toBe('99.95');
    expect(state.indicatorReadOnly).toMatch(/"a-sli" \(indicatorRef\)/);
  });

  it('reports syntax errors with their line instead of a form', () => {
    const state = readSloDocument('kind: SLO\nmetadata: [unclosed\n');
    expect(state.sloDocument).toBe(-1);
    expect(state.syntaxErrors.join()).toMatch(/line \d+/);
  });

  it('has no form without an SLO document', () => {
    expect(readSloDocument('kind: SLI\n').sloDocument).toBe(-1);
  });
});

describe('applySloFormChange', () => {
  it('writes the target as a ratio, exactly', () => {
    const yaml = applySloFormChange(template, 'target', '99.95');
    expect(yaml).toContain('target: 0.9995');
    expect(parseSloYaml(yaml).slos[0].target).toBe(0.9995);
    expect(readSloDocument(yaml).values.target).toBe('99.95');
  });

  it('keeps what the user typed when it is not a number, so the engine names the problem', () => {
    const yaml = applySloFormChange(template, 'target', '99,5');
    expect(readSloDocument(yaml).values.target).toBe('99,5');
    const errors = parseSloYaml(yaml).errors;
    const placed = placeSloErrors(errors, readSloDocument(yaml));
    expect(placed.byField.target?.[0]).toBe(
      'must be between 0 and 100% (e.g. 99.5)',
    );
  });

  it('writes targetPercent when the document uses it', () => {
    const yaml = applySloFormChange(
      template.replace('target: 0.99', 'targetPercent: 99'),
      'target',
      '98',
    );
    expect(yaml).toContain('targetPercent: 98');
    expect(yaml).not.toMatch(/\btarget:/);
  });

  it('keeps comments, unknown fields and other documents', () => {
    const withExtras = `# owned by the hub team
${template.replace('spec:\n', 'spec:\n  # the hub\n')}---
apiVersion: openslo/v1
kind: AlertPolicy
metadata: { name: page }
`;
    const yaml = applySloFormChange(withExtras, 'period', '30d');
    expect(yaml).toContain('# owned by the hub team');
    expect(yaml).toContain('# the hub');
    expect(yaml).toContain('kind: AlertPolicy');
    expect(yaml).toContain('duration: 30d');
    expect(parseSloYaml(yaml).slos[0].timeWindow.duration).toBe('30d');
  });

  it('writes the phase as the annotation the engine reads, replacing a label', () => {
    expect(readSloDocument(template).values.phase).toBe('informing');
    const enforcing = applySloFormChange(template, 'phase', 'enforcing');
    expect(enforcing).toContain('airworthy.dev/phase: enforcing');
    expect(readSloDocument(enforcing).values.phase).toBe('enforcing');
    const [slo] = parseSloYaml(enforcing).slos;
    expect(sloPhaseOf(slo)).toBe('enforcing');

    // A phase written as a label is read, and the form's choice replaces it (no contradiction).
    const labelled = template.replace(
      /^metadata:\n/m,
      'metadata:\n  labels:\n    airworthy_phase: enforcing\n',
    );
    expect(readSloDocument(labelled).values.phase).toBe('enforcing');
    const informing = applySloFormChange(labelled, 'phase', 'informing');
    expect(informing).not.toContain('airworthy_phase');
    expect(informing).not.toContain('labels:');
    expect(sloPhaseOf(parseSloYaml(informing).slos[0])).toBe('informing');
  });

  it('places an unknown phase at the field with the choices', () => {
    const typo = applySloFormChange(template, 'phase', 'enforced');
    const state = readSloDocument(typo);
    expect(state.values.phase).toBe('enforced');
    const placed = placeSloErrors(parseSloYaml(typo).errors, state);
    expect(placed.byField.phase?.join(' ')).toContain(
      'write informing or enforcing',
    );
  });

  it('deletes optional fields that are emptied', () => {
    const yaml = applySloFormChange(template, 'displayName', '');
    expect(yaml).not.toContain('displayName: JupyterHub');
    expect(parseSloYaml(yaml).errors).toEqual([]);
  });

  it('adds and removes the fields of a budgeting method', () => {
    const slices = applySloFormChange(
      template,
      'budgetingMethod',
      'Timeslices',
    );
    const slo = parseSloYaml(slices).slos[0];
    expect(slo.budgetingMethod).toBe('Timeslices');
    expect(slo.timeSlice).toMatchObject({ target: 0.95, window: '1m' });
    const ratio = applySloFormChange(
      slices,
      'budgetingMethod',
      'RatioTimeslices',
    );
    expect(ratio).not.toContain('timeSliceTarget');
    expect(parseSloYaml(ratio).errors).toEqual([]);
    const back = applySloFormChange(ratio, 'budgetingMethod', 'Occurrences');
    expect(back).not.toContain('timeSlice');
    expect(parseSloYaml(back).errors).toEqual([]);
  });

  it('switches between rolling and calendar windows', () => {
    const calendar = applySloFormChange(
      applySloFormChange(template, 'period', '1M'),
      'rolling',
      false,
    );
    const slo = parseSloYaml(calendar).slos[0];
    expect(slo.timeWindow).toMatchObject({
      isRolling: false,
      calendar: { startTime: '2024-01-01 00:00:00', timeZone: 'UTC' },
    });
    const berlin = applySloFormChange(
      calendar,
      'calendarTimeZone',
      'Europe/Berlin',
    );
    expect(parseSloYaml(berlin).slos[0].timeWindow.calendar?.timeZone).toBe(
      'Europe/Berlin',
    );
    const rolling = applySloFormChange(berlin, 'rolling', true);
    expect(rolling).not.toContain('calendar');
  });

  it('moves the query when switching from good to bad events', () => {
    const yaml = applySloFormChange(template, 'events', 'bad');
    const state = readSloDocument(yaml);
    expect(state.values.events).toBe('bad');
    expect(state.values.query).toBe(
      'http_requests_total{service="jupyterhub",code!~"5.."}',
    );
    const slo = parseSloYaml(yaml).slos[0];
    expect(slo.indicator.type === 'ratio' && slo.indicator.bad).toBeTruthy();
  });

  it('sets the type of both metric sources', () => {
    const yaml = applySloFormChange(template, 'sourceType', 'Thanos');
    expect(yaml.match(/type: Thanos/g)).toHaveLength(2);
  });

  it('refuses indicator changes the form cannot make, and changes to broken YAML', () => {
    const referenced = template.replace(
      / {2}indicator:\n( {4}.*\n)+?(?= {2}objectives)/,
      '  indicatorRef: hub-sli\n',
    );
    expect(() => applySloFormChange(referenced, 'query', 'up')).toThrow(
      SloDocumentShapeError,
    );
    expect(() => applySloFormChange('a: [', 'name', 'x')).toThrow(
      /syntax errors/,
    );
    expect(() =>
      applySloFormChange(
        template.replace(
          'timeWindow:\n    - duration: 28d\n      isRolling: true',
          'timeWindow: 28d',
        ),
        'period',
        '7d',
      ),
    ).toThrow(/no mapping at spec.timeWindow/);
  });
});

describe('placeSloErrors', () => {
  it('places each engine message at its field and keeps the others', () => {
    let yaml = applySloFormChange(template, 'name', 'Not_RFC1123');
    yaml = applySloFormChange(yaml, 'period', '28 days');
    yaml = applySloFormChange(yaml, 'target', '100');
    yaml = applySloFormChange(yaml, 'query', '');
    const state = readSloDocument(yaml);
    const { errors } = parseSloYaml(yaml);
    const placed = placeSloErrors(errors, state);
    expect(placed.byField.name?.join()).toMatch(/lower/i);
    expect(placed.byField.period?.join()).toBeTruthy();
    expect(placed.byField.target?.join()).toBe(
      'must be between 0 and 100% (e.g. 99.5)',
    );
    // The good metric source lost its query: the message is at the query, not at "events".
    expect(placed.byField.events).toBeUndefined();
    const placedCount = Object.values(placed.byField).flat().length;
    expect(placedCount + placed.other.length).toBe(errors.length);
  });

  it('leaves messages of other documents in the list', () => {
    const placed = placeSloErrors(
      [
        { file: 'f', document: 1, path: 'metadata.name', message: 'x' },
        { file: 'f', document: 0, message: 'invalid YAML' },
      ],
      { sloDocument: 0, values: readSloDocument(template).values },
    );
    expect(placed.byField).toEqual({});
    expect(placed.other).toHaveLength(2);
  });
});

describe('describeSourceLocation', () => {
  it('links a file in a repository and names a local file without linking it', () => {
    expect(
      describeSourceLocation(
        'https://github.com/operate-first/apps/blob/main/slos/jupyter%20hub.yaml',
      ),
    ).toEqual({
      url: 'https://github.com/operate-first/apps/blob/main/slos/jupyter%20hub.yaml',
      fileName: 'jupyter hub.yaml',
    });
    expect(
      describeSourceLocation(
        'file:/srv/backstage/examples/slos/jupyterhub.yaml',
      ),
    ).toEqual({ fileName: 'jupyterhub.yaml' });
    expect(describeSourceLocation(undefined)).toEqual({
      fileName: 'a file of the repository',
    });
    // Only http(s) is ever linked.
    const scriptUrl = `${'javascript'}:alert(1)`;
    expect(describeSourceLocation(scriptUrl).url).toBeUndefined();
  });
});
