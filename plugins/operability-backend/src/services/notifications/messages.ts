import { overspentBudgets } from '@airworthy/plugin-operability-common';
import { parseEntityRef } from '@backstage/catalog-model';

/** The relative link of an entity's operability tab, as the notifications UI opens it. */
export function operabilityTabLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(name)}/operability`;
}

/** A ratio as a percentage with at most one decimal (`0.123` -> `12.3%`). */
export function percent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) {
    return 'n/a';
  }
  return `${+(ratio * 100).toFixed(1)}%`;
}

/**
 * What is left of a budget, in the SLO card's words and units: `62.5% left`, or once spent
 * `exhausted, overspent 3.5×` (-2.5 remaining: 3.5 budgets spent), `exhausted` when spent
 * about once.
 */
export function budgetLeft(remaining: number): string {
  if (remaining > 0) return `${percent(remaining)} left`;
  const overspent = overspentBudgets(remaining);
  return overspent === null
    ? 'exhausted'
    : `exhausted, overspent ${+overspent.toFixed(1)}×`;
}

/** Percentage points (`-0.05` -> `-5 pts`). */
export function points(delta: number): string {
  const value = +(delta * 100).toFixed(1);
  return `${value > 0 ? '+' : ''}${value} pts`;
}

/** A signed number (`3` -> `+3`). */
export function signed(value: number): string {
  const rounded = +value.toFixed(1);
  return `${rounded > 0 ? '+' : ''}${rounded}`;
}

/** The UTC date of an instant, `YYYY-MM-DD`. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
