import type { Slo } from '@airworthy/plugin-operability-common';
import { createExtensionPoint } from '@backstage/backend-plugin-api';

/** An SLO whose SLI data is to be collected. @public */
export interface SliCollectionTarget {
  /** The SLO's id in the operability backend (`/slos/{id}`). */
  id: string;
  /** The entity the SLO belongs to. */
  entityRef: string;
  /** The normalized SLO: its indicator names the metric sources and their queries. */
  slo: Slo;
}

/** What to collect: the buckets of `[from, to)` of one SLO. @public */
export interface SliCollectionRequest {
  target: SliCollectionTarget;
  /** Start of the first bucket, epoch ms, aligned to `bucketMs`. */
  from: number;
  /** End of the last bucket (exclusive), epoch ms, aligned to `bucketMs`. */
  to: number;
  /** Bucket width in ms (the SLI store's base resolution, 1 minute by default). */
  bucketMs: number;
  /** Aborted when the backend shuts down or the task times out. */
  signal?: AbortSignal;
}

/** Good and total events of one bucket. @public */
export interface SliSourceBucket {
  /** Bucket start, epoch ms, aligned. */
  start: number;
  good: number;
  total: number;
}

/**
 * One chunk of collected data: every bucket of `[from, to)` that has data. Buckets without
 * data are left out; the chunk still tells that `[from, to)` was collected.
 * @public
 */
export interface SliSourceChunk {
  from: number;
  to: number;
  buckets: SliSourceBucket[];
}

/**
 * A system that SLI data can be collected from (Prometheus, a vendor API, ...).
 * @public
 */
export interface SliSource {
  /** Names the source in logs and in the collection state of SLOs, e.g. `prometheus`. */
  readonly id: string;
  /** Whether this source collects the SLO (e.g. its metric sources are of its type). */
  supports(slo: Slo): boolean;
  /**
   * For an SLO of this source's kind that it does not collect (`supports` is false), why
   * not and what to configure, e.g. `No Prometheus instance is configured: ...`; undefined
   * when the SLO is none of its business. Shown with the SLO while it has no data.
   */
  unsupportedReason?(slo: Slo): string | undefined;
  /**
   * Yields the requested range in chronological chunks, each at most as large as one request
   * to the system allows. The backend stores each chunk before it asks for the next one, so a
   * collection that is interrupted resumes after the last stored chunk. Throw an Error whose
   * message says what to fix (it is shown with the SLO).
   */
  collect(request: SliCollectionRequest): AsyncIterable<SliSourceChunk>;
}

/** Lets modules add SLI sources to the operability backend. @public */
export interface OperabilitySliSourcesExtensionPoint {
  addSliSource(...sources: SliSource[]): void;
}

/**
 * The extension point for SLI sources; the backend's collection task asks the first source
 * that supports an SLO for its data.
 * @public
 */
export const operabilitySliSourcesExtensionPoint =
  createExtensionPoint<OperabilitySliSourcesExtensionPoint>({
    id: 'operability.sli-sources',
  });
