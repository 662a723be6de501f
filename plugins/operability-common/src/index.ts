/**
 * Isomorphic code of the operability plugin: annotations, permissions, the HTTP API's
 * types, schemas and client, and the SLO engine. No framework imports.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './api';
export * from './permissions';
export * from './score';
export * from './slo';
export * from './time';
