import { TIME } from '@airworthy/plugin-operability-common';
import type { OperabilityStore } from '../../database/OperabilityStore';
import type { OutboxMessage } from '../../database/notifications/NotificationStore';
import type { NotificationOutbox } from './NotificationOutbox';
import { signed } from './messages';

const { DAY } = TIME;

/** How many gains and losses the review lists. */
const TOP = 5;

/** The first instant (UTC) of the month before the one holding `ms`. */
export function previousMonthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1);
}

/** `YYYY-MM` of an instant. */
const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

/** The outbox key of the review of the month before the one holding `now`. */
export const reviewKey = (now: number) =>
  `review:${monthOf(previousMonthStart(now))}`;

/** Who the review goes to. */
export type ReviewRecipients =
  | { type: 'entity'; entityRef: string[] }
  | { type: 'broadcast' };

/**
 * The monthly review for the foundation: one notification about the previous calendar
 * month (UTC) of the whole portfolio, from the daily score snapshots: the entities that moved
 * between levels (level at the month's first day against its last day), how many entities
 * are at each level at the end, and the biggest score gains and losses. Once per month
 * (`review:<YYYY-MM>` in the outbox).
 */
export class MonthlyReview {
  constructor(
    private readonly options: {
      store: Pick<OperabilityStore, 'scores' | 'notifications'>;
      recipients: ReviewRecipients;
      outbox: Pick<NotificationOutbox, 'deliver'>;
      /** Level names, lowest first (for the order of the counts). */
      levels?: readonly string[];
    },
  ) {}

  /** The review of the month before the one holding `now`. */
  async compose(now: number): Promise<OutboxMessage> {
    const { scores } = this.options.store;
    const from = previousMonthStart(now);
    const thisMonth = new Date(now);
    const lastDay =
      Date.UTC(thisMonth.getUTCFullYear(), thisMonth.getUTCMonth(), 1) - DAY;
    // The portfolio of the month: entities scored in it (those gone before are left out).
    const refs = [...(await scores.snapshotDays(from, lastDay)).keys()].sort();
    const [start, end] = await Promise.all([
      scores.snapshotsAtOrBefore(refs, from),
      scores.snapshotsAtOrBefore(refs, lastDay),
    ]);
    const moves: string[] = [];
    const perLevel = new Map<string, number>();
    const changes: Array<{
      ref: string;
      delta: number;
      from: number;
      to: number;
    }> = [];
    for (const ref of refs) {
      const a = start.get(ref);
      const b = end.get(ref);
      if (!b) continue;
      const level = b.level ?? 'unscored';
      perLevel.set(level, (perLevel.get(level) ?? 0) + 1);
      const before = a?.level ?? 'unscored';
      if (!a) moves.push(`${ref} new, ${level}`);
      else if (before !== level) moves.push(`${ref} ${before} → ${level}`);
      if (a && a.score !== null && b.score !== null && a.score !== b.score) {
        changes.push({
          ref,
          delta: b.score - a.score,
          from: a.score,
          to: b.score,
        });
      }
    }
    const order = this.options.levels ?? [];
    const levels = [...perLevel.keys()].sort((x, y) => {
      const ix = order.indexOf(x);
      const iy = order.indexOf(y);
      return (
        (ix < 0 ? order.length : ix) - (iy < 0 ? order.length : iy) ||
        x.localeCompare(y)
      );
    });
    const byDelta = (a: (typeof changes)[0], b: (typeof changes)[0]) =>
      b.delta - a.delta || a.ref.localeCompare(b.ref);
    const gains = changes
      .filter(c => c.delta > 0)
      .sort(byDelta)
      .slice(0, TOP);
    const losses = changes
      .filter(c => c.delta < 0)
      .sort((a, b) => byDelta(b, a))
      .slice(0, TOP);
    const line = (c: (typeof changes)[0]) =>
      `${c.ref} ${c.from} → ${c.to} (${signed(c.delta)})`;
    const list = (items: string[]) =>
      items.length ? items.join('; ') : 'none';
    const month = monthOf(from);
    // One sentence a line: it reads the same where line breaks are kept and where not.
    const description = [
      `Entities per level at the end of ${month}: ${
        levels.map(l => `${l} ${perLevel.get(l)}`).join(', ') || 'none scored'
      }.`,
      `Moved between levels (${moves.length}): ${list(moves)}.`,
      `Biggest gains: ${list(gains.map(line))}.`,
      `Biggest losses: ${list(losses.map(line))}.`,
    ].join('\n');
    return {
      recipients: this.options.recipients,
      payload: {
        title: `Operability review ${month}: ${moves.length} entit${
          moves.length === 1 ? 'y' : 'ies'
        } moved between levels`,
        description,
        link: '/operability',
        severity: 'low',
        topic: 'airworthy:monthly-review',
        scope: `airworthy:review:${month}`,
      },
    };
  }

  /** Enqueues the previous month's review once, then sends. */
  async run(now: number): Promise<{ enqueued: boolean; sent: number }> {
    const key = reviewKey(now);
    let enqueued = false;
    if (!(await this.options.store.notifications.has(key))) {
      enqueued = await this.options.store.notifications.enqueue(
        key,
        'review',
        await this.compose(now),
        now,
      );
    }
    const { sent } = await this.options.outbox.deliver(now);
    return { enqueued, sent };
  }
}
