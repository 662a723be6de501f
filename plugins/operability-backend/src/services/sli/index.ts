/*
 * SLI data: the one ingest path (validation with one set of messages, storage, logging of
 * replaced buckets) that pushes through the API and collection from sources both take, and
 * the collector that pulls from the installed SLI sources, resumably.
 */
export { SliCollector, type CollectionRunResult } from './SliCollector';
export { SliIngest, type SliIngestVia } from './SliIngest';
export { parseSliPushBody } from './parseSliPush';
