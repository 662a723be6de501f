import fs from 'node:fs';
import path from 'node:path';
import { incidentEventToObservation } from './PagerDutyIncidentSource';

const { event } = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, '__fixtures__', 'incident.triggered.json'),
    'utf8',
  ),
);

describe('incidentEventToObservation', () => {
  it('links the incident to the alert its incident key names', () => {
    const observation = incidentEventToObservation(event, event.data, [
      'component:default/jupyterhub',
    ]);
    // The fixture's incident key is the fingerprint of the Alertmanager fixture's alert.
    expect(observation.correlation).toEqual({
      references: ['alert:5ef77f1f8a3ecfa4'],
    });
    const keyless = incidentEventToObservation(
      event,
      { ...event.data, incident_key: null },
      ['component:default/jupyterhub'],
    );
    expect(keyless.correlation).toEqual({ references: [] });
  });
});
