import { parseSloYaml } from './parse';

function openSlo(metadata: string) {
  return `apiVersion: openslo/v1
kind: SLO
metadata:
  name: hub-availability
${metadata}
spec:
  service: jupyterhub
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  indicator:
    metadata:
      name: hub-probe
    spec:
      ratioMetric:
        counter: false
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(probe_success{service="jupyterhub"})
        total:
          metricSource:
            type: Prometheus
            spec:
              query: count(probe_success{service="jupyterhub"})
  objectives:
    - target: 0.98
`;
}

const slothSpec = (labels: string) => `version: prometheus/v1
service: jupyterhub
slos:
  - name: probe-availability
    objective: 98
${labels}
    sli:
      raw:
        error_ratio_query: 1 - avg_over_time(probe_success{service="jupyterhub"}[{{ .window }}])
    alerting:
      page_alert: { disable: true }
      ticket_alert: { disable: true }
`;

describe('SLO phase (airworthy.dev/phase)', () => {
  it('is read from OpenSLO annotations and labels (airworthy_phase), kept in the model', () => {
    const annotated = parseSloYaml(
      openSlo('  annotations:\n    airworthy.dev/phase: enforcing'),
    );
    expect(annotated.errors).toEqual([]);
    expect(annotated.slos[0].annotations['airworthy.dev/phase']).toBe(
      'enforcing',
    );
    const labelled = parseSloYaml(
      openSlo('  labels:\n    airworthy_phase: Enforcing'),
    );
    expect(labelled.errors).toEqual([]);
    expect(labelled.slos[0].labels.airworthy_phase).toBe('Enforcing');
  });

  it('is read from Sloth SLO labels (airworthy_phase)', () => {
    const result = parseSloYaml(
      slothSpec('    labels:\n      airworthy_phase: enforcing'),
    );
    expect(result.errors).toEqual([]);
    expect(result.slos[0].labels.airworthy_phase).toBe('enforcing');
  });

  it('refuses a phase it does not know, naming the field and the choices', () => {
    const result = parseSloYaml(
      openSlo('  annotations:\n    airworthy.dev/phase: enforce'),
      'hub.yaml',
    );
    expect(result.slos).toEqual([]);
    expect(result.errors).toEqual([
      {
        file: 'hub.yaml',
        document: 0,
        path: 'metadata.annotations["airworthy.dev/phase"]',
        message:
          'The phase (airworthy.dev/phase) of SLO "hub-availability" is "enforce": write informing or enforcing (no value means informing)',
      },
    ]);
    expect(result.documents[0].valid).toBe(false);
    const sloth = parseSloYaml(
      slothSpec('    labels:\n      airworthy_phase: draft'),
    );
    expect(sloth.slos).toEqual([]);
    expect(sloth.errors[0].message).toMatch(/is "draft": write informing/);
  });
});
