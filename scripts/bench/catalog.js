'use strict';

/*
 * The generated catalog: groups, domains, systems and `entities` components, written as one
 * YAML file that the backend reads as a catalog file location, as an adopter's catalog
 * would be registered. Entity names are padded so that refs sort like their numbers.
 */

const fs = require('node:fs');
const path = require('node:path');
const { createRandom } = require('./random');

const DOMAINS = 8;

function pad(i, width) {
  return String(i).padStart(width, '0');
}

/** The generated catalog's shape for `entities` components. */
function catalogShape(entities) {
  const width = String(Math.max(entities - 1, 1)).length;
  const teams = Math.max(4, Math.ceil(entities / 25));
  const systems = Math.max(2, Math.ceil(entities / 10));
  return {
    width,
    teams,
    systems,
    componentName: i => `project-${pad(i, width)}`,
    componentRef: i => `component:default/project-${pad(i, width)}`,
    teamOf: i => `team-${i % teams}`,
  };
}

function yamlDocument(entity) {
  // JSON is YAML: one document per entity, no YAML library needed.
  return JSON.stringify(entity);
}

/** Writes the catalog file; returns its path and the shape. */
function writeCatalog(dir, entities) {
  const shape = catalogShape(entities);
  const random = createRandom(7);
  const docs = [];
  docs.push({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'sre' },
    spec: { type: 'team', children: [] },
  });
  for (let t = 0; t < shape.teams; t++) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${t}` },
      spec: { type: 'team', children: [] },
    });
  }
  docs.push({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'guest' },
    spec: { memberOf: ['team-0'] },
  });
  for (let d = 0; d < DOMAINS; d++) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Domain',
      metadata: { name: `domain-${d}` },
      spec: { owner: `team-${d % shape.teams}` },
    });
  }
  for (let s = 0; s < shape.systems; s++) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: `system-${pad(s, 5)}` },
      spec: {
        owner: `team-${s % shape.teams}`,
        domain: `domain-${s % DOMAINS}`,
      },
    });
  }
  const languages = ['go', 'java', 'python', 'rust', 'typescript', 'c', 'ruby'];
  for (let i = 0; i < entities; i++) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: shape.componentName(i),
        title: `Project ${i}`,
        description: `Generated project ${i} of the benchmark catalog`,
        tags: [random.pick(languages), `sig-${i % 13}`],
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: shape.teamOf(i),
        system: `system-${pad(i % shape.systems, 5)}`,
      },
    });
  }
  const file = path.join(dir, 'catalog.yaml');
  fs.writeFileSync(file, `${docs.map(yamlDocument).join('\n---\n')}\n`);
  return { file, shape, count: docs.length };
}

module.exports = { writeCatalog, catalogShape };
