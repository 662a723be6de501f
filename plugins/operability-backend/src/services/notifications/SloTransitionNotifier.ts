import type {
  SloEvaluation,
  SloStatus,
} from '@airworthy/plugin-operability-common';
import { parseEntityRef } from '@backstage/catalog-model';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { OperabilityStore } from '../../database/OperabilityStore';
import type {
  NotifiedState,
  OutboxMessage,
  StateTransition,
} from '../../database/notifications/NotificationStore';
import type { SloRecord } from '../../database/slo/SloStore';
import type { NotificationOutbox } from './NotificationOutbox';
import { budgetLeft, operabilityTabLink, percent } from './messages';

/** An evaluated SLO, as the evaluator stored it. */
export interface EvaluatedSlo {
  record: SloRecord;
  evaluation: SloEvaluation;
}

/** The state owners are told about; `no-data` changes nothing. */
function notifiable(status: SloStatus): NotifiedState | undefined {
  return status === 'no-data' ? undefined : status;
}

const SEVERITY = {
  exhausted: 'critical',
  critical: 'high',
  warning: 'normal',
  ok: 'low',
} as const;

const ADVICE: Record<NotifiedState, string> = {
  warning:
    'The budget burns faster than the period allows (a ticket-level alert). Look at recent changes and the errors of the SLI before it becomes critical.',
  critical:
    'The budget burns fast enough to page. Find the cause now (recent deploys, open incidents); the deploy gate warns on enforcing SLOs in this state.',
  exhausted:
    'The error budget is gone. Under the error-budget policy the deploy gate blocks releases of enforcing SLOs, except security and reliability work; an exception needs a reason and an expiry.',
  ok: 'The SLO is back within its error budget; nothing to do.',
};

/** The label of an SLO in a notification: its display name, else entity name and ref. */
export function sloLabel(record: SloRecord): string {
  return (
    record.displayName ??
    `${parseEntityRef(record.entityRef).name} ${record.ref}`
  );
}

/** The burn rate of the 1 h window (the one time to exhaustion extrapolates). */
function hourBurnRate(evaluation: SloEvaluation): number | null {
  return (
    evaluation.burnRates.find(b => b.windowMs === 3_600_000)?.burnRate ?? null
  );
}

const times = (value: number | null) =>
  value === null ? 'n/a' : `${+value.toFixed(2)}×`;

/** The notification of an SLO's transition to `to` (from a bad state when `to` is ok). */
export function transitionMessage(
  item: EvaluatedSlo,
  to: NotifiedState,
  sequence: number,
): OutboxMessage {
  const { record, evaluation } = item;
  const { budget } = evaluation;
  const left = budget.total > 0 ? percent(budget.remaining) : 'n/a';
  const budgetText =
    budget.total > 0 && budget.remaining <= 0
      ? budgetLeft(budget.remaining).replace(/^exhausted(, )?/, '') ||
        'no budget left'
      : `budget ${left} left`;
  const stateText = to === 'ok' ? 'recovered' : to;
  const period = evaluation.burnRates.find(b => b.window === 'period');
  const facts = [
    `SLO ${sloLabel(record)} of ${record.entityRef} is ${
      to === 'ok' ? 'ok again' : to
    }.`,
    `Burn rate: ${times(hourBurnRate(evaluation))} over the last hour, ${times(
      period?.burnRate ?? null,
    )} over the period; ${
      budget.total > 0 && budget.remaining <= 0
        ? `the error budget is ${budgetLeft(budget.remaining)}`
        : `${left} of the error budget left${
            budget.total > 0
              ? ` (${Math.round(budget.remainingMinutes)} min)`
              : ''
          }`
    }${
      budget.exhaustsAt && to !== 'exhausted'
        ? `, exhausted at ${budget.exhaustsAt} at this rate`
        : ''
    }.`,
    ADVICE[to],
  ];
  return {
    recipients: { type: 'entity', entityRef: record.entityRef },
    payload: {
      title: `${sloLabel(record)}: ${stateText} (${budgetText})`,
      description: facts.join(' '),
      link: operabilityTabLink(record.entityRef),
      severity: SEVERITY[to],
      topic: `airworthy:slo:${record.id}`,
      scope: `airworthy:slo:${record.id}:${sequence}`,
    },
  };
}

/**
 * Tells the owners of an SLO's entity when it enters warning, critical or exhausted and when
 * it recovers (back to ok), once per transition. The state last notified is stored per SLO
 * with the transition's outbox row in one transaction, after the evaluations are stored;
 * sending follows from the outbox, so a crash in between leaves the row for the next run.
 *
 * A new SLO (no state stored yet) that starts ok is recorded silently; one that starts in
 * warning, critical or exhausted notifies: it entered that state. `no-data` changes nothing.
 */
export class SloTransitionNotifier {
  constructor(
    private readonly options: {
      store: Pick<OperabilityStore, 'notifications'>;
      outbox: Pick<NotificationOutbox, 'deliver'>;
      logger: LoggerService;
    },
  ) {}

  /** The transitions among `items` against the stored states (pure but for the read). */
  async detect(items: readonly EvaluatedSlo[]): Promise<StateTransition[]> {
    const stored = await this.options.store.notifications.notifiedStates(
      items.map(i => i.record.id),
    );
    const transitions: StateTransition[] = [];
    for (const item of items) {
      const to = notifiable(item.evaluation.status);
      if (!to) continue;
      const from = stored.get(item.record.id);
      if (from?.state === to) continue;
      const sequence = (from?.sequence ?? 0) + 1;
      transitions.push({
        sloId: item.record.id,
        from,
        to,
        message:
          !from && to === 'ok'
            ? undefined
            : transitionMessage(item, to, sequence),
      });
    }
    return transitions;
  }

  /**
   * Records the transitions of stored evaluations, then sends what is pending. Never throws:
   * a failure here must not fail the evaluation (the next run detects again).
   */
  async afterEvaluation(
    items: readonly EvaluatedSlo[],
    now: number,
  ): Promise<{ transitions: number; sent: number }> {
    let transitions = 0;
    try {
      transitions = await this.options.store.notifications.recordTransitions(
        await this.detect(items),
        now,
      );
    } catch (error) {
      this.options.logger.warn(
        `Could not record the state changes of ${items.length} SLO(s) for notifications: ${error}`,
      );
    }
    const { sent } = await this.options.outbox.deliver(now);
    return { transitions, sent };
  }
}
