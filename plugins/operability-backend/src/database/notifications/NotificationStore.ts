import type { DeployGateDecision } from '@airworthy/plugin-operability-common';
import type { Knex } from 'knex';

/** The states of an SLO its owners are told about. */
export type NotifiedState = 'ok' | 'warning' | 'critical' | 'exhausted';

/** A change of an SLO's state, to record with its outbox row. */
export interface StateTransition {
  sloId: string;
  /** The stored state this transition starts from (undefined: none yet). */
  from?: { state: NotifiedState; sequence: number };
  to: NotifiedState;
  /** The notification to send, or none (a new SLO that starts ok). */
  message?: OutboxMessage;
}

/** What the outbox sends: the notification service's `send` options, as JSON. */
export interface OutboxMessage {
  recipients:
    | { type: 'entity'; entityRef: string | string[] }
    | { type: 'broadcast' };
  payload: {
    title: string;
    description?: string;
    link?: string;
    severity?: 'critical' | 'high' | 'normal' | 'low';
    topic?: string;
    scope?: string;
  };
}

/** A row of the outbox. */
export interface OutboxItem {
  key: string;
  kind: OutboxKind;
  message: OutboxMessage;
  createdAt: number;
  attempts: number;
}

export type OutboxKind = 'transition' | 'digest' | 'review';

/** Who asked the deploy gate. */
export type GateCallerKind = 'user' | 'service' | 'none';

/** Counts of the gate's answers for an entity in a period, and its last answer there. */
export interface GateDecisionSummary {
  allow: number;
  warn: number;
  block: number;
  last?: { decision: DeployGateDecision; decidedAt: number };
}

/**
 * The state of notifications: what each SLO's owners were last told, the outbox of
 * notifications to send, and the deploy gate's answers.
 */
export interface NotificationStore {
  /** The last notified state of each of the SLOs. */
  notifiedStates(
    sloIds: readonly string[],
  ): Promise<Map<string, { state: NotifiedState; sequence: number }>>;
  /**
   * Records transitions in one transaction: each SLO's new state (only where the stored one
   * is still the one the transition starts from: a concurrent run that got there first
   * wins) and its outbox row (`slo:<id>:<sequence>`, inserted once whoever inserts it).
   * Returns how many transitions were recorded.
   */
  recordTransitions(
    transitions: readonly StateTransition[],
    now: number,
  ): Promise<number>;
  /** Adds an outbox row unless one with the key exists; returns whether it was added. */
  enqueue(
    key: string,
    kind: OutboxKind,
    message: OutboxMessage,
    now: number,
  ): Promise<boolean>;
  /** Whether an outbox row with the key exists (pending or sent). */
  has(key: string): Promise<boolean>;
  /** Unsent rows created at or after `since`, not claimed since `staleBefore`, oldest first. */
  pending(
    since: number,
    staleBefore: number,
    limit: number,
  ): Promise<OutboxItem[]>;
  /**
   * Claims a row for `claimant` if it is unsent and unclaimed (or claimed before
   * `staleBefore`); returns whether this caller got it.
   */
  claim(
    key: string,
    claimant: string,
    now: number,
    staleBefore: number,
  ): Promise<boolean>;
  markSent(key: string, claimant: string, now: number): Promise<void>;
  /** Releases a claim after a failed send, counting the attempt. */
  release(key: string, claimant: string, error: string): Promise<void>;
  /** Deletes unsent rows created before `unsentBefore`, sent rows sent before `sentBefore`. */
  expire(
    unsentBefore: number,
    sentBefore: number,
  ): Promise<{ unsent: number; sent: number }>;
  recordGateDecision(
    entityRef: string,
    decision: DeployGateDecision,
    callerKind: GateCallerKind,
    decidedAt: number,
  ): Promise<void>;
  /** The gate's answers per entity in [from, to). */
  gateDecisions(
    entityRefs: readonly string[],
    from: number,
    to: number,
  ): Promise<Map<string, GateDecisionSummary>>;
  /** Deletes gate answers before `before`; returns how many. */
  expireGateDecisions(before: number): Promise<number>;
}

const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    result.push(items.slice(i, i + CHUNK));
  }
  return result;
}

/** The outbox key of an SLO's transition. */
export const transitionKey = (sloId: string, sequence: number) =>
  `slo:${sloId}:${sequence}`;

/** NotificationStore on knex: SQLite and PostgreSQL. */
export class KnexNotificationStore implements NotificationStore {
  constructor(private readonly db: Knex) {}

  async notifiedStates(
    sloIds: readonly string[],
  ): Promise<Map<string, { state: NotifiedState; sequence: number }>> {
    const result = new Map<
      string,
      { state: NotifiedState; sequence: number }
    >();
    for (const ids of chunks(sloIds)) {
      const rows: Array<{ slo_id: string; state: string; sequence: number }> =
        await this.db('slo_notified_states')
          .whereIn('slo_id', ids)
          .select('slo_id', 'state', 'sequence');
      for (const row of rows) {
        result.set(row.slo_id, {
          state: row.state as NotifiedState,
          sequence: Number(row.sequence),
        });
      }
    }
    return result;
  }

  async recordTransitions(
    transitions: readonly StateTransition[],
    now: number,
  ): Promise<number> {
    if (transitions.length === 0) return 0;
    return this.db.transaction(async trx => {
      let recorded = 0;
      for (const t of transitions) {
        const sequence = (t.from?.sequence ?? 0) + 1;
        if (t.from) {
          const updated = await trx('slo_notified_states')
            .where({ slo_id: t.sloId, sequence: t.from.sequence })
            .update({ state: t.to, sequence, changed_at: now });
          if (updated === 0) continue;
        } else {
          const inserted = await trx('slo_notified_states')
            .insert({ slo_id: t.sloId, state: t.to, sequence, changed_at: now })
            .onConflict('slo_id')
            .ignore()
            .returning('slo_id');
          if (inserted.length === 0) continue;
        }
        if (t.message) {
          await trx('notification_outbox')
            .insert({
              key: transitionKey(t.sloId, sequence),
              kind: 'transition',
              message: JSON.stringify(t.message),
              created_at: now,
            })
            .onConflict('key')
            .ignore();
        }
        recorded++;
      }
      return recorded;
    });
  }

  async enqueue(
    key: string,
    kind: OutboxKind,
    message: OutboxMessage,
    now: number,
  ): Promise<boolean> {
    const inserted = await this.db('notification_outbox')
      .insert({ key, kind, message: JSON.stringify(message), created_at: now })
      .onConflict('key')
      .ignore()
      .returning('key');
    return inserted.length > 0;
  }

  async has(key: string): Promise<boolean> {
    return Boolean(
      await this.db('notification_outbox').where({ key }).first('key'),
    );
  }

  async pending(
    since: number,
    staleBefore: number,
    limit: number,
  ): Promise<OutboxItem[]> {
    const rows = await this.db('notification_outbox')
      .whereNull('sent_at')
      .andWhere('created_at', '>=', since)
      .andWhere(q =>
        q.whereNull('claimed_at').orWhere('claimed_at', '<', staleBefore),
      )
      .orderBy([{ column: 'created_at' }, { column: 'key' }])
      .limit(limit)
      .select('key', 'kind', 'message', 'created_at', 'attempts');
    return rows.map(row => ({
      key: row.key,
      kind: row.kind,
      message: JSON.parse(row.message),
      createdAt: Number(row.created_at),
      attempts: Number(row.attempts),
    }));
  }

  async claim(
    key: string,
    claimant: string,
    now: number,
    staleBefore: number,
  ): Promise<boolean> {
    const updated = await this.db('notification_outbox')
      .where({ key })
      .whereNull('sent_at')
      .andWhere(q =>
        q.whereNull('claimed_at').orWhere('claimed_at', '<', staleBefore),
      )
      .update({ claimed_by: claimant, claimed_at: now });
    return updated === 1;
  }

  async markSent(key: string, claimant: string, now: number): Promise<void> {
    await this.db('notification_outbox')
      .where({ key, claimed_by: claimant })
      .update({ sent_at: now, last_error: null });
  }

  async release(key: string, claimant: string, error: string): Promise<void> {
    await this.db('notification_outbox')
      .where({ key, claimed_by: claimant })
      .whereNull('sent_at')
      .update({
        claimed_by: null,
        claimed_at: null,
        attempts: this.db.raw('attempts + 1'),
        last_error: error.slice(0, 2000),
      });
  }

  async expire(
    unsentBefore: number,
    sentBefore: number,
  ): Promise<{ unsent: number; sent: number }> {
    const unsent = await this.db('notification_outbox')
      .whereNull('sent_at')
      .andWhere('created_at', '<', unsentBefore)
      .delete();
    const sent = await this.db('notification_outbox')
      .whereNotNull('sent_at')
      .andWhere('sent_at', '<', sentBefore)
      .delete();
    return { unsent, sent };
  }

  async recordGateDecision(
    entityRef: string,
    decision: DeployGateDecision,
    callerKind: GateCallerKind,
    decidedAt: number,
  ): Promise<void> {
    await this.db('gate_decisions').insert({
      entity_ref: entityRef,
      decision,
      decided_at: decidedAt,
      caller_kind: callerKind,
    });
  }

  async gateDecisions(
    entityRefs: readonly string[],
    from: number,
    to: number,
  ): Promise<Map<string, GateDecisionSummary>> {
    const result = new Map<string, GateDecisionSummary>();
    const summary = (ref: string) => {
      let s = result.get(ref);
      if (!s) result.set(ref, (s = { allow: 0, warn: 0, block: 0 }));
      return s;
    };
    for (const refs of chunks(entityRefs)) {
      const counts: Array<{
        entity_ref: string;
        decision: DeployGateDecision;
        n: number | string;
      }> = await this.db('gate_decisions')
        .whereIn('entity_ref', refs)
        .andWhere('decided_at', '>=', from)
        .andWhere('decided_at', '<', to)
        .groupBy('entity_ref', 'decision')
        .select('entity_ref', 'decision')
        .count({ n: '*' });
      for (const row of counts) {
        summary(row.entity_ref)[row.decision] = Number(row.n);
      }
      const latest = this.db('gate_decisions')
        .whereIn('entity_ref', refs)
        .andWhere('decided_at', '>=', from)
        .andWhere('decided_at', '<', to)
        .groupBy('entity_ref')
        .select('entity_ref')
        .max({ id: 'id' })
        .as('latest');
      const lastRows: Array<{
        entity_ref: string;
        decision: DeployGateDecision;
        decided_at: number | string;
      }> = await this.db('gate_decisions as d')
        .join(latest, 'd.id', 'latest.id')
        .select('d.entity_ref', 'd.decision', 'd.decided_at');
      for (const row of lastRows) {
        summary(row.entity_ref).last = {
          decision: row.decision,
          decidedAt: Number(row.decided_at),
        };
      }
    }
    return result;
  }

  async expireGateDecisions(before: number): Promise<number> {
    return this.db('gate_decisions').where('decided_at', '<', before).delete();
  }
}
