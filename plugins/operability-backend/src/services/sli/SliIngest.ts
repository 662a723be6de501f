import {
  describeZodError,
  formatDurationShorthand,
  isValidSliCounts,
  sliCountsSchema,
  type SliPushRequest,
  type SliPushResponse,
} from '@airworthy/plugin-operability-common';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { SliConfig } from '../../config';
import type { OperabilityStore } from '../../database/OperabilityStore';
import {
  alignDown,
  type SliBucket,
  type SliWriteResult,
} from '../../database/sli/SliStore';
import type { SloRecord } from '../../database/slo/SloStore';
import { bucketsOfPush } from './parseSliPush';

const MAX_LISTED_PROBLEMS = 10;

/** Where buckets come from: `push` (the API) or the id of the SLI source that collected them. */
export type SliIngestVia = 'push' | string;

/**
 * The one way SLI data gets in, for pushes through the API and for collection from sources
 * alike: validates the buckets once (every problem at once, with one set of messages;
 * nothing is stored when any is found), writes them to the store and logs replacements.
 * The store keeps only its own invariants.
 */
export class SliIngest {
  constructor(
    private readonly options: {
      store: Pick<OperabilityStore, 'sli'>;
      settings: SliConfig;
      logger: LoggerService;
    },
  ) {}

  /** A push through the API (`POST /slos/{id}/sli`) as the schema reads it. */
  async push(
    slo: SloRecord,
    request: SliPushRequest,
    now: number = Date.now(),
  ): Promise<SliPushResponse> {
    return this.pushBuckets(slo, bucketsOfPush(request), now);
  }

  /** A push through the API, its body read by `parseSliPushBody`. */
  async pushBuckets(
    slo: SloRecord,
    buckets: SliBucket[],
    now: number = Date.now(),
  ): Promise<SliPushResponse> {
    const result = await this.ingest(slo, buckets, { via: 'push', now });
    return {
      sloId: slo.id,
      inserted: result.inserted,
      replaced: result.replaced.length,
      unchanged: result.unchanged,
    };
  }

  /** Validates and stores buckets of an SLO; InputError naming every problem. */
  async ingest(
    slo: SloRecord,
    buckets: SliBucket[],
    options: { via: SliIngestVia; now: number },
  ): Promise<SliWriteResult> {
    this.validate(buckets, options.now, options.via === 'push');
    const result = await this.options.store.sli.writeBuckets(
      slo.id,
      buckets,
      options.now,
    );
    this.logReplacements(slo, options.via, result.replaced);
    return result;
  }

  /** Logs buckets whose stored counts a write replaced (one line per write). */
  private logReplacements(
    slo: SloRecord,
    via: string,
    replaced: SliWriteResult['replaced'],
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

  /** Throws an InputError naming every problem of the buckets, as of `now`. */
  private validate(buckets: SliBucket[], now: number, pushed: boolean): void {
    const { levels, push } = this.options.settings;
    const width = levels[0].widthMs;
    const oldestKept = alignDown(
      now - levels[levels.length - 1].retentionMs,
      levels[levels.length - 1].widthMs,
    );
    const problems: string[] = [];
    if (pushed && buckets.length > push.maxBuckets) {
      problems.push(
        `buckets: at most ${push.maxBuckets} buckets per request, got ${buckets.length}; split the push`,
      );
    }
    // Where each bucket first appears, by bucket number when aligned (a small integer,
    // cheap to hold), else by start.
    const firstIndex = new Map<number, number>();
    const firstIndexUnaligned = new Map<number, number>();
    // A request holds up to 10,000 buckets: messages are built only for buckets with a problem.
    buckets.forEach((b, i) => {
      const at = `buckets[${i}].start`;
      const start = () => new Date(b.start).toISOString();
      const aligned = b.start % width === 0;
      if (!aligned) {
        problems.push(
          `${at}: ${start()} is not aligned to ${formatDurationShorthand(
            width,
          )} buckets; use ${new Date(
            alignDown(b.start, width),
          ).toISOString()} (the start of its bucket)`,
        );
      } else if (b.start > now + push.maxFutureMs) {
        problems.push(
          `${at}: ${start()} is in the future (now is ${new Date(
            now,
          ).toISOString()}); push a bucket once it has started`,
        );
      } else if (b.start < oldestKept) {
        problems.push(
          `${at}: ${start()} is older than the SLI retention; buckets before ${new Date(
            oldestKept,
          ).toISOString()} are not kept`,
        );
      }
      const seen = aligned ? firstIndex : firstIndexUnaligned;
      const key = aligned ? b.start / width : b.start;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        problems.push(
          `${at}: the same bucket as buckets[${earlier}]; send each bucket once`,
        );
      } else {
        seen.set(key, i);
      }
      if (!isValidSliCounts(b.good, b.total)) {
        const counts = sliCountsSchema.safeParse({
          good: b.good,
          total: b.total,
        });
        if (!counts.success) {
          problems.push(describeZodError(counts.error, `buckets[${i}]`));
        }
      }
    });
    if (problems.length > 0) {
      const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
      const more = problems.length - MAX_LISTED_PROBLEMS;
      throw new InputError(
        `Invalid ${pushed ? 'request body' : 'SLI data'}: ${listed}${
          more > 0 ? `; and ${more} more problem(s)` : ''
        }`,
      );
    }
  }
}
