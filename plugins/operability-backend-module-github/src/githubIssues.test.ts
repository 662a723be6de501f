import fs from 'node:fs';
import path from 'node:path';
import { issueToObservation } from './githubIssues';

const { issue } = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, '__fixtures__', 'issues.opened.json'),
    'utf8',
  ),
);
const mapping = {
  postMortemLabels: ['post-mortem'],
  defaultSeverity: 'warning' as const,
};

describe('issueToObservation', () => {
  it('links the PagerDuty incident and the alert the body links, not its runbook or other issues', () => {
    const body = [
      'Users cannot reach JupyterHub.',
      '',
      'Paged: https://operate-first.pagerduty.com/incidents/Q2W3E4R5T6Y7U8.',
      'Alert: https://prometheus-k8s.example/graph?g0.expr=probe_success%7Bjob%3D%22jupyterhub%22%7D+%3D%3D+0&g0.tab=1',
      'Runbook: https://github.com/operate-first/sre/blob/main/runbooks/jupyterhub/down.md',
      'Earlier: https://github.com/operate-first/support/issues/990',
    ].join('\n');
    const observation = issueToObservation(
      'operate-first/support',
      { ...issue, body },
      ['component:default/jupyterhub'],
      mapping,
    );
    expect(observation.correlation).toEqual({
      references: [
        'pagerduty:Q2W3E4R5T6Y7U8',
        'alert:https://prometheus-k8s.example/graph?g0.expr=probe_success%7Bjob%3D%22jupyterhub%22%7D+%3D%3D+0&g0.tab=1',
      ],
    });
    expect(observation.links?.runbook).toBe(
      'https://github.com/operate-first/sre/blob/main/runbooks/jupyterhub/down.md',
    );
  });

  it('links nothing when the body links nothing but its runbook', () => {
    const observation = issueToObservation(
      'operate-first/support',
      issue,
      ['component:default/jupyterhub'],
      mapping,
    );
    expect(observation.correlation).toEqual({ references: [] });
  });
});
