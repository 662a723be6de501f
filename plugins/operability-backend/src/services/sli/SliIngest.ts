import type {
  SliPushRequest,
  SliPushResponse,
} from '@airworthy/plugin-operability-common';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { SliConfig } from '../../config';
import type { OperabilityStore } from '../../database/OperabilityStore';
import { alignDown, type SliBucket } from '../../database/sli/SliStore';
import type { SloRecord } from '../../database/slo/SloStore';

const MAX_LISTED_PROBLEMS = 10;

/** A bucket width or retention as people write it: `1m`, `1h`, `100d`, `30s`. */
export function formatWidth(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms / 1000}s`;
}

/**
 * Takes SLI data in: validates pushed buckets (every problem at once, nothing stored when
 * any is found) and writes them to the store; replacements are logged.
 */
export class SliService {
  constructor(
    private readonly options: {
      store: OperabilityStore;
      config: SliConfig;
      logger: LoggerService;
    },
  ) {}

  async push(
    slo: SloRecord,
    request: SliPushRequest,
    now: number = Date.now(),
  ): Promise<SliPushResponse> {
    const buckets = this.validate(request, now);
    const result = await this.options.store.sli.writeBuckets(
      slo.id,
      buckets,
      now,
    );
    this.logReplacements(slo, 'push', result.replaced);
    return {
      sloId: slo.id,
      inserted: result.inserted,
      replaced: result.replaced.length,
      unchanged: result.unchanged,
    };
  }

  /** Logs buckets whose stored counts a write replaced (one line per write). */
  logReplacements(
    slo: SloRecord,
    via: string,
    replaced: Array<{
      start: number;
      previous: { good: number; total: number };
      good: number;
      total: number;
    }>,
  ): void {
    if (replaced.length === 0) return;
    const examples = replaced
      .slice(0, 3)
      .map(
        r =>
          `${new Date(r.start).toISOString()} ${r.previous.good}/${
            r.previous.total
          } -> ${r.good}/${r.total}`,
      )
      .join(', ');
    this.options.logger.info(
      `SLI ${via} replaced ${replaced.length} stored bucket(s) of SLO ${slo.id} (${slo.entityRef}, ${slo.name}): ${examples}`,
    );
  }

  /** Pushed buckets as store buckets, or an InputError naming every problem. */
  validate(request: SliPushRequest, now: number): SliBucket[] {
    const { levels, push } = this.options.config;
    const width = levels[0].widthMs;
    const oldestKept = alignDown(
      now - levels[levels.length - 1].retentionMs,
      levels[levels.length - 1].widthMs,
    );
    const problems: string[] = [];
    if (request.buckets.length > push.maxBuckets) {
      problems.push(
        `buckets: at most ${push.maxBuckets} buckets per request, got ${request.buckets.length}; split the push`,
      );
    }
    const firstIndex = new Map<number, number>();
    const buckets = request.buckets.map((b, i) => {
      const start = Date.parse(b.start);
      const at = `buckets[${i}].start`;
      if (start % width !== 0) {
        problems.push(
          `${at}: ${b.start} is not aligned to ${formatWidth(
            width,
          )} buckets; use ${new Date(
            alignDown(start, width),
          ).toISOString()} (the start of its bucket)`,
        );
      } else if (start > now + push.maxFutureMs) {
        problems.push(
          `${at}: ${b.start} is in the future (now is ${new Date(
            now,
          ).toISOString()}); push a bucket once it has started`,
        );
      } else if (start < oldestKept) {
        problems.push(
          `${at}: ${
            b.start
          } is older than the SLI retention; buckets before ${new Date(
            oldestKept,
          ).toISOString()} are not kept`,
        );
      }
      const earlier = firstIndex.get(start);
      if (earlier !== undefined) {
        problems.push(
          `${at}: the same bucket as buckets[${earlier}]; send each bucket once`,
        );
      } else {
        firstIndex.set(start, i);
      }
      return { start, good: b.good, total: b.total };
    });
    if (problems.length > 0) {
      const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
      const more = problems.length - MAX_LISTED_PROBLEMS;
      throw new InputError(
        `Invalid request body: ${listed}${
          more > 0 ? `; and ${more} more problem(s)` : ''
        }`,
      );
    }
    return buckets;
  }
}
