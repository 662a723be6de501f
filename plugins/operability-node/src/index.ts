/**
 * Extension points of the operability backend plugin, for modules that bring SLI data,
 * incidents and operability checks from other systems.
 *
 * @packageDocumentation
 */

export * from './catalog';
export * from './correlation';
export * from './incidents';
export * from './scoreChecks';
export * from './webhooks';
export * from './sliSources';
export * from './permissions';
