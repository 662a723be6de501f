/*
 * Notifications through Backstage's notifications backend: SLO state transitions to the
 * owners of their entities, the weekly digest per owner group and the monthly review, all
 * sent from one outbox so that each is sent once across restarts and replicas.
 */
export { MonthlyReview } from './MonthlyReview';
export type { ReviewRecipients } from './MonthlyReview';
export { NotificationOutbox } from './NotificationOutbox';
export type { DeliveryResult, OutboxSettings } from './NotificationOutbox';
export { SloTransitionNotifier } from './SloTransitionNotifier';
export type { EvaluatedSlo } from './SloTransitionNotifier';
export { catalogOwners, evaluatedBudgets, WeeklyDigest } from './WeeklyDigest';
export type { OwnerLookup } from './WeeklyDigest';
