import fs from 'node:fs';
import path from 'node:path';
import { alertToObservation, groupKeyHash } from './AlertmanagerIncidentSource';

const firing = JSON.parse(
  fs.readFileSync(path.join(__dirname, '__fixtures__', 'firing.json'), 'utf8'),
);
const [alert] = firing.alerts;

describe('alertToObservation', () => {
  it('names the alert by its fingerprint, its notification group and its source link', () => {
    const observation = alertToObservation(
      alert,
      ['component:default/jupyterhub'],
      firing.groupKey,
    );
    expect(observation.correlation).toEqual({
      names: [
        'alert:5ef77f1f8a3ecfa4',
        `alert:${groupKeyHash(firing.groupKey)}`,
        `alert:${alert.generatorURL}`,
      ],
      references: [],
    });
    // What Alertmanager's PagerDuty receiver sends as the dedup key: SHA-256 of the group
    // key, in hex (as `sha256sum` computes it).
    expect(groupKeyHash('{}:{alertname="JupyterHubDown"}')).toBe(
      '0b3b8d6a8dbd718a2e1497a717e494182be85729933136fa0f628f3841a0bef5',
    );
  });

  it('links the incident its `incident` label names', () => {
    const labelled = (incident: string) =>
      alertToObservation({ ...alert, labels: { ...alert.labels, incident } }, [
        'component:default/jupyterhub',
      ]).correlation?.references;
    expect(
      labelled('https://operate-first.pagerduty.com/incidents/Q2W3E4R5T6Y7U8'),
    ).toEqual(['pagerduty:Q2W3E4R5T6Y7U8']);
    expect(
      labelled('https://github.com/operate-first/support/issues/1004'),
    ).toEqual(['github:operate-first/support#1004']);
    expect(labelled('Operate-First/Support#1004')).toEqual([
      'github:operate-first/support#1004',
    ]);
    expect(labelled(' INC-42 ')).toEqual(['incident:inc-42']);
  });
});
