import { TIME } from '@airworthy/plugin-operability-common';
import type { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, RELATION_OWNED_BY } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { OperabilityStore } from '../../database/OperabilityStore';
import type { OutboxMessage } from '../../database/notifications/NotificationStore';
import type { SloRecord } from '../../database/slo/SloStore';
import type { BudgetEvaluator } from '../slo/BudgetEvaluator';
import type { NotificationOutbox } from './NotificationOutbox';
import {
  isoDate,
  operabilityTabLink,
  percent,
  points,
  signed,
} from './messages';
import { sloLabel } from './SloTransitionNotifier';

const { DAY } = TIME;
const WEEK = 7 * DAY;

/** The group owners of each entity (entity ref -> group refs). */
export type OwnerLookup = (
  entityRefs: readonly string[],
) => Promise<Map<string, string[]>>;

/** Owners from the catalog: the targets of each entity's `ownedBy` relations that are groups. */
export function catalogOwners(
  catalog: Pick<CatalogService, 'getEntitiesByRefs'>,
  auth: Pick<AuthService, 'getOwnServiceCredentials'>,
): OwnerLookup {
  return async entityRefs => {
    const result = new Map<string, string[]>();
    const credentials = await auth.getOwnServiceCredentials();
    for (let i = 0; i < entityRefs.length; i += 500) {
      const chunk = entityRefs.slice(i, i + 500);
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs: [...chunk], fields: ['kind', 'metadata', 'relations'] },
        { credentials },
      );
      items.forEach((entity, j) => {
        const groups = (entity?.relations ?? [])
          .filter(
            r =>
              r.type === RELATION_OWNED_BY &&
              parseEntityRef(r.targetRef).kind.toLocaleLowerCase('en-US') ===
                'group',
          )
          .map(r => r.targetRef);
        if (groups.length > 0) result.set(chunk[j], groups);
      });
    }
    return result;
  };
}

/**
 * An SLO's state and budget left as of an instant, evaluated from its SLI data by the
 * evaluator (the store's resolutions chosen by the current time, `clock()`).
 */
export function evaluatedBudgets(
  evaluator: Pick<BudgetEvaluator, 'evaluate'>,
  clock: () => number,
) {
  return async (record: SloRecord, at: number) => {
    const evaluation = await evaluator.evaluate(record, at, undefined, clock());
    return {
      state: evaluation.status,
      remaining:
        evaluation.budget.total > 0 ? evaluation.budget.remaining : null,
    };
  };
}

/** Monday 00:00 UTC of the ISO week holding `ms`. */
export function isoWeekStart(ms: number): number {
  const day = Math.floor(ms / DAY) * DAY;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0
  return day - weekday * DAY;
}

/** The outbox key of a group's digest of the week starting at `weekStart`. */
export const digestKey = (group: string, weekStart: number) =>
  `digest:${group}:${isoDate(weekStart)}`;

/** One entity's week, as the digest lists it. */
export interface EntityWeek {
  entityRef: string;
  slos: Array<{
    label: string;
    state: string;
    budgetAtStart: number | null;
    budgetAtEnd: number | null;
  }>;
  incidents: number;
  score: { start: number | null; end: number | null };
  gate: {
    allow: number;
    warn: number;
    block: number;
    last?: string;
  };
}

/** What one SLO's budget did in the week: points used, regained, or none. */
function budgetUse(start: number | null, end: number | null): string {
  if (start === null || end === null) return '';
  const used = start - end;
  if (Math.abs(used) < 0.0005) return ' (none used)';
  return ` (${points(Math.abs(used)).replace(/^\+/, '')} ${
    used > 0 ? 'used' : 'regained'
  })`;
}

/**
 * The text of one entity in a digest: one line of sentences, so that it reads the same
 * where a notification's line breaks are kept and where they are not.
 */
function entityLine(week: EntityWeek): string {
  const slos = week.slos.map(
    slo =>
      `SLO ${slo.label} ${slo.state}, budget left ${percent(
        slo.budgetAtStart,
      )} → ${percent(slo.budgetAtEnd)}${budgetUse(
        slo.budgetAtStart,
        slo.budgetAtEnd,
      )}`,
  );
  const { score, gate } = week;
  return `${week.entityRef}: ${[
    ...slos,
    `${week.incidents} incident(s) started`,
    `score ${score.start ?? 'n/a'} → ${score.end ?? 'n/a'}${
      score.start !== null && score.end !== null
        ? ` (${signed(score.end - score.start)})`
        : ''
    }`,
    `deploy gate ${gate.allow} allow, ${gate.warn} warn, ${gate.block} block${
      gate.last ? `, last ${gate.last}` : ''
    }`,
  ].join('; ')}.`;
}

/**
 * The weekly digest per owner group: for each group owning entities with SLOs, one
 * notification about the last complete ISO week (Monday 00:00 UTC to Monday 00:00 UTC)
 * listing, per entity, each SLO's state at the end of the week and the budget it used
 * (budget left at the week's first and last snapshot; without snapshots in the week, as
 * evaluated from SLI data at its start and end), the incidents that started in the
 * week, the score at its start and end, and the deploy gate's answers. Each group's digest
 * of a week is one outbox row (`digest:<group>:<week start>`): a second run, here or on
 * another replica, adds nothing.
 */
export class WeeklyDigest {
  constructor(
    private readonly options: {
      store: Pick<
        OperabilityStore,
        'slos' | 'evaluations' | 'incidents' | 'scores' | 'notifications'
      >;
      owners: OwnerLookup;
      outbox: Pick<NotificationOutbox, 'deliver'>;
      /**
       * An SLO's state and budget left as of an instant, from its SLI data: used for a week
       * without stored snapshots (e.g. after the SLO was added with backfilled data).
       */
      budgetAt?: (
        record: SloRecord,
        at: number,
      ) => Promise<{ state: string; remaining: number | null }>;
    },
  ) {}

  /** The digests of the week before the one holding `now`, keyed by group. */
  async compose(now: number): Promise<Map<string, OutboxMessage>> {
    const { store, owners } = this.options;
    const from = isoWeekStart(now) - WEEK;
    const to = from + WEEK;
    const records = await store.slos.listAll();
    const byEntity = new Map<string, SloRecord[]>();
    for (const record of records) {
      const list = byEntity.get(record.entityRef) ?? [];
      list.push(record);
      byEntity.set(record.entityRef, list);
    }
    const entityRefs = [...byEntity.keys()].sort();
    const ownersOf = await owners(entityRefs);
    const groups = new Map<string, string[]>();
    for (const ref of entityRefs) {
      for (const group of ownersOf.get(ref) ?? []) {
        groups.set(group, [...(groups.get(group) ?? []), ref]);
      }
    }
    const weekLabel = `${isoDate(from)} to ${isoDate(to - DAY)}`;
    const messages = new Map<string, OutboxMessage>();
    const pendingGroups = [];
    for (const group of [...groups.keys()].sort()) {
      if (!(await store.notifications.has(digestKey(group, from)))) {
        pendingGroups.push(group);
      }
    }
    if (pendingGroups.length === 0) return messages;

    const weekRefs = [
      ...new Set(pendingGroups.flatMap(g => groups.get(g)!)),
    ].sort();
    const [scoreStart, scoreEnd, gate] = await Promise.all([
      store.scores.snapshotsAtOrBefore(weekRefs, from),
      store.scores.snapshotsAtOrBefore(weekRefs, to - DAY),
      store.notifications.gateDecisions(weekRefs, from, to),
    ]);
    const latest = await store.evaluations.latest(records.map(r => r.id));
    const weeks = new Map<string, EntityWeek>();
    for (const entityRef of weekRefs) {
      const slos = [];
      for (const record of byEntity
        .get(entityRef)!
        .sort((a, b) => a.ref.localeCompare(b.ref))) {
        const snapshots = await store.evaluations.snapshots(
          record.id,
          from,
          to,
        );
        const first = snapshots[0];
        const last = snapshots[snapshots.length - 1];
        if (!first && this.options.budgetAt) {
          const [atStart, atEnd] = await Promise.all([
            this.options.budgetAt(record, from),
            this.options.budgetAt(record, to),
          ]);
          slos.push({
            label: sloLabel(record),
            state: atEnd.state,
            budgetAtStart: atStart.remaining,
            budgetAtEnd: atEnd.remaining,
          });
          continue;
        }
        slos.push({
          label: sloLabel(record),
          state: last?.status ?? latest.get(record.id)?.status ?? 'no-data',
          budgetAtStart: first?.budgetRemaining ?? null,
          budgetAtEnd: last?.budgetRemaining ?? null,
        });
      }
      const { totalItems: incidents } = await store.incidents.listIncidents(
        { entityRef, from, to, match: 'started' },
        { offset: 0, limit: 1 },
      );
      const decisions = gate.get(entityRef);
      weeks.set(entityRef, {
        entityRef,
        slos,
        incidents,
        score: {
          start: scoreStart.get(entityRef)?.score ?? null,
          end: scoreEnd.get(entityRef)?.score ?? null,
        },
        gate: {
          allow: decisions?.allow ?? 0,
          warn: decisions?.warn ?? 0,
          block: decisions?.block ?? 0,
          last: decisions?.last
            ? `${decisions.last.decision} at ${new Date(
                decisions.last.decidedAt,
              ).toISOString()}`
            : undefined,
        },
      });
    }
    for (const group of pendingGroups) {
      const refs = groups.get(group)!;
      const entities = refs.map(ref => weeks.get(ref)!);
      const burning = entities.flatMap(e =>
        e.slos.filter(s =>
          ['warning', 'critical', 'exhausted'].includes(s.state),
        ),
      ).length;
      messages.set(group, {
        recipients: { type: 'entity', entityRef: group },
        payload: {
          title: `Operability week ${weekLabel}: ${refs.length} entit${
            refs.length === 1 ? 'y' : 'ies'
          }, ${burning} SLO(s) not ok`,
          description: entities.map(entityLine).join('\n'),
          link:
            refs.length === 1 ? operabilityTabLink(refs[0]) : '/operability',
          severity: burning > 0 ? 'normal' : 'low',
          topic: 'airworthy:weekly-digest',
          scope: `airworthy:digest:${group}:${isoDate(from)}`,
        },
      });
    }
    return messages;
  }

  /** Composes and enqueues the last week's digests (once per group), then sends. */
  async run(now: number): Promise<{ groups: number; sent: number }> {
    const from = isoWeekStart(now) - WEEK;
    const messages = await this.compose(now);
    let groups = 0;
    for (const [group, message] of messages) {
      if (
        await this.options.store.notifications.enqueue(
          digestKey(group, from),
          'digest',
          message,
          now,
        )
      ) {
        groups++;
      }
    }
    const { sent } = await this.options.outbox.deliver(now);
    return { groups, sent };
  }
}
