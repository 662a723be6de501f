import type { Slo } from '@airworthy/plugin-operability-common';
import type {
  SliCollectionRequest,
  SliSource,
  SliSourceChunk,
} from '@airworthy/plugin-operability-node';
import { TIME } from '@airworthy/plugin-operability-common';
import { demoBuckets, isDemoSlo } from './traffic';

/**
 * SLI data of the demo SLOs, generated instead of collected: the backend's collector asks it
 * for the same chunks it would ask Prometheus for, and stores what it yields.
 *
 * @public
 */
export class DemoSliSource implements SliSource {
  readonly id = 'demo';

  constructor(
    private readonly options: {
      /** The hour the demo's story ends at (the backend's start, rounded down). */
      anchor: number;
      /** Minute buckets are yielded for this recent span; older data comes as hourly totals. */
      minuteHistoryMs: number;
      now?: () => number;
    },
  ) {}

  supports(slo: Slo): boolean {
    return isDemoSlo(slo.name);
  }

  async *collect(request: SliCollectionRequest): AsyncIterable<SliSourceChunk> {
    const now = this.options.now?.() ?? Date.now();
    const hourlyBefore = now - this.options.minuteHistoryMs;
    for (let from = request.from; from < request.to; from += TIME.DAY) {
      if (request.signal?.aborted) return;
      const to = Math.min(request.to, from + TIME.DAY);
      yield {
        from,
        to,
        buckets: demoBuckets({
          sloName: request.target.slo.name,
          from,
          to,
          bucketMs: request.bucketMs,
          anchor: this.options.anchor,
          hourlyBefore,
        }),
      };
    }
  }
}
