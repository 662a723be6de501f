import {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_GITHUB_INCIDENTS,
  ANNOTATION_ON_CALL,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  DEFAULT_SCORE_CHECKS,
  RUNBOOK_URL_ANNOTATION,
  formatDurationHuman,
  generatePrometheusRules,
  sloPhaseOf,
  toEntityRef,
  toHttpUrl,
  type ScoreCheckDefinition,
} from '@airworthy/plugin-operability-common';
import type {
  ScoreCheck,
  ScoreCheckContext,
  ScoreCheckOutcome,
  ScoreSloFacts,
} from '@airworthy/plugin-operability-node';
import type { Entity } from '@backstage/catalog-model';
import { sloBudget } from './ScoreContext';
import { TIME } from '@airworthy/plugin-operability-common';

const { DAY } = TIME;

/** Annotations that name an on-call rotation (besides links of type `oncall`). */
export const ON_CALL_ANNOTATIONS = [
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  'pagerduty.com/integration-key',
  'opsgenie.com/team',
  'opsgenie.com/component-selector',
  ANNOTATION_ON_CALL,
];

/** Annotations that tie alerts to the entity. */
export const ALERT_ANNOTATIONS = [
  ANNOTATION_ALERT_SELECTOR,
  'prometheus.io/alert',
];

const TECHDOCS_ANNOTATION = 'backstage.io/techdocs-ref';
const KNOWN_LIFECYCLES = ['production', 'experimental', 'deprecated'];

const percent = (ratio: number) => `${+(ratio * 100).toFixed(1)}%`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function annotation(entity: Entity, name: string): string | undefined {
  const value = entity.metadata.annotations?.[name]?.trim();
  return value ? value : undefined;
}

/** The entity's links of the given types (case-insensitive), split into http(s) and others. */
export function linksOfType(
  entity: Entity,
  types: string[],
): { valid: string[]; invalid: string[] } {
  const wanted = types.map(t => t.toLocaleLowerCase('en-US'));
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const link of entity.metadata.links ?? []) {
    if (!link.type || !wanted.includes(link.type.toLocaleLowerCase('en-US'))) {
      continue;
    }
    const url = toHttpUrl(link.url);
    if (url) valid.push(url);
    else invalid.push(String(link.url));
  }
  return { valid, invalid };
}

/** The share of items that pass, as credit and a sentence naming those that do not. */
function shareOf<T>(
  items: T[],
  passes: (item: T) => boolean,
  describe: {
    all: string;
    some: (passed: number) => string;
    failing: (item: T) => string;
  },
): ScoreCheckOutcome {
  const failing = items.filter(item => !passes(item));
  const passed = items.length - failing.length;
  if (failing.length === 0) return { credit: 1, detail: describe.all };
  return {
    credit: passed / items.length,
    detail: `${describe.some(passed)}; not: ${failing
      .map(describe.failing)
      .join(', ')}`,
  };
}

const sloName = (slo: ScoreSloFacts) => slo.definition.ref;

/** The outcome of a check that measures SLOs, for an entity without any. */
const NO_SLO: ScoreCheckOutcome = {
  credit: 0,
  detail: 'No SLO: define one first',
  remediation:
    'Define an SLO first (see "Has an SLO"); this check then measures it.',
  blockedBy: 'slo-defined',
};

type Evaluate = (
  context: ScoreCheckContext,
) => Promise<ScoreCheckOutcome> | ScoreCheckOutcome;

/** How long ago an instant was, for people. */
const ago = (now: number, t: number) =>
  now - t < 60_000 ? 'firing now' : `${formatDurationHuman(now - t)} ago`;

const evaluators: Record<string, Evaluate> = {
  async 'slo-defined'(ctx) {
    const slos = await ctx.slos();
    if (slos.length === 0) return { credit: 0, detail: 'No SLO' };
    return {
      credit: 1,
      detail: `${plural(slos.length, 'SLO')}: ${slos.map(sloName).join(', ')}`,
    };
  },

  async 'sli-data'(ctx) {
    const slos = await ctx.slos();
    if (slos.length === 0) return NO_SLO;
    const maxAge = ctx.definition.threshold ?? 0;
    return shareOf(
      slos,
      slo => slo.dataUntil !== undefined && ctx.now - slo.dataUntil <= maxAge,
      {
        all: `Every SLO has SLI data newer than ${formatDurationHuman(maxAge)}`,
        some: n =>
          `${n} of ${
            slos.length
          } SLOs have SLI data newer than ${formatDurationHuman(maxAge)}`,
        failing: slo =>
          `${sloName(slo)} (${
            slo.dataUntil === undefined
              ? 'no data yet'
              : `newest data ${ago(ctx.now, slo.dataUntil)}`
          })`,
      },
    );
  },

  async 'error-budget'(ctx) {
    const slos = await ctx.slos();
    if (slos.length === 0) return NO_SLO;
    const threshold = ctx.definition.threshold ?? 0;
    const measured = slos.flatMap(s => {
      const budget = sloBudget(s);
      return budget ? [{ slo: s, remaining: budget.remaining }] : [];
    });
    if (measured.length === 0) {
      return {
        credit: 0,
        detail: 'No SLO has data over its period yet, so no budget is known',
        remediation:
          'Get SLI data flowing first (see "SLI data flowing"); the budget is measured from it.',
        blockedBy: 'sli-data',
      };
    }
    const credits = measured.map(({ remaining }) => {
      if (remaining >= threshold) return 1;
      return threshold > 0 ? Math.max(0, remaining) / threshold : 0;
    });
    const credit = credits.reduce((a, b) => a + b, 0) / credits.length;
    return {
      credit,
      detail: `Budget remaining: ${measured
        .map(m => `${sloName(m.slo)} ${percent(m.remaining)}`)
        .join(', ')} (full credit from ${percent(threshold)})`,
    };
  },

  async 'no-critical-burn'(ctx) {
    const slos = await ctx.slos();
    if (slos.length === 0) return NO_SLO;
    const lookback = ctx.definition.threshold ?? 7 * DAY;
    const alerts = new Map<ScoreSloFacts, number[]>();
    for (const slo of slos) {
      alerts.set(slo, await slo.criticalAlertsSince(ctx.now - lookback));
    }
    return shareOf(slos, slo => alerts.get(slo)!.length === 0, {
      all: `No critical burn-rate alert in the last ${formatDurationHuman(
        lookback,
      )}`,
      some: n =>
        `${n} of ${
          slos.length
        } SLOs without a critical burn-rate alert in the last ${formatDurationHuman(
          lookback,
        )}`,
      failing: slo => {
        const times = alerts.get(slo)!;
        return `${sloName(slo)} (${ago(ctx.now, times[times.length - 1])})`;
      },
    });
  },

  async 'slo-enforcing'(ctx) {
    const slos = await ctx.slos();
    if (slos.length === 0) return NO_SLO;
    return shareOf(slos, slo => sloPhaseOf(slo.definition) === 'enforcing', {
      all: 'Every SLO is enforcing',
      some: n => `${n} of ${slos.length} SLOs are enforcing`,
      failing: slo => `${sloName(slo)} (informing)`,
    });
  },

  async mtta(ctx) {
    return meanTimeCheck(ctx, 'mtta', 'acknowledged', 'MTTA');
  },

  async mttr(ctx) {
    return meanTimeCheck(ctx, 'mttr', 'resolved', 'MTTR');
  },

  async 'incident-rate'(ctx) {
    const { connected, stats } = await ctx.incidents();
    if (!connected) {
      return {
        credit: 0,
        detail:
          'No incident source: incidents of this entity do not reach Airworthy',
        remediation: `Connect an incident source: tie Alertmanager alerts to the entity (${ANNOTATION_ALERT_SELECTOR}), or name its GitHub incidents (${ANNOTATION_GITHUB_INCIDENTS}) or PagerDuty service (${ANNOTATION_PAGERDUTY_SERVICE_ID}) in its annotations.`,
      };
    }
    const threshold = ctx.definition.threshold ?? 0;
    const periodMs = ctx.now - ctx.periodStart;
    // Incidents, not source records: a project whose outages reach Airworthy through three
    // sources is not three times worse than one with a single source.
    const per28 = (stats.count * 28 * DAY) / periodMs;
    const rate = +per28.toFixed(1);
    const counted =
      stats.records === stats.count
        ? plural(stats.count, 'incident')
        : `${plural(stats.count, 'incident')} (${plural(
            stats.records,
            'record',
          )})`;
    const detail = `${counted} in ${formatDurationHuman(periodMs)}${
      periodMs === 28 * DAY ? '' : ` (${rate} per 28 days)`
    }; threshold ${threshold}`;
    if (per28 <= threshold) return { credit: 1, detail };
    return { credit: threshold > 0 ? threshold / per28 : 0, detail };
  },

  async 'post-mortems'(ctx) {
    const { connected, stats, incidents } = await ctx.incidents();
    if (!connected) {
      return { credit: null, detail: 'No incident source' };
    }
    const grace = ctx.definition.threshold ?? 7 * DAY;
    const severities: string[] = stats.postMortemCoverage.severities;
    const resolved = incidents.filter(i => {
      if (!severities.includes(i.severity) || !i.resolvedAt) return false;
      const at = Date.parse(i.resolvedAt);
      return at >= ctx.periodStart && at < ctx.now;
    });
    // Within the grace period an incident counts only once it has its post-mortem.
    const due = resolved.filter(
      i => i.postMortem || ctx.now - Date.parse(i.resolvedAt!) >= grace,
    );
    const pending = resolved.length - due.length;
    const pendingNote = pending
      ? `; ${plural(pending, 'incident')} still within ${formatDurationHuman(
          grace,
        )} of resolution`
      : '';
    if (due.length === 0) {
      return {
        credit: null,
        detail: `No ${severities.join(
          '/',
        )} incident resolved in the period needs a post-mortem yet${pendingNote}`,
      };
    }
    const covered = due.filter(i => i.postMortem).length;
    return {
      credit: covered / due.length,
      detail: `${covered} of ${plural(
        due.length,
        `${severities.join('/')} incident`,
      )} have a post-mortem${pendingNote}`,
    };
  },

  async owner(ctx) {
    const owner = ctx.entity.spec?.owner;
    if (typeof owner !== 'string' || !owner.trim()) {
      return { credit: 0, detail: 'spec.owner is not set' };
    }
    let ref: string;
    try {
      ref = toEntityRef(owner.trim(), {
        defaultKind: 'group',
        defaultNamespace: ctx.entity.metadata.namespace ?? 'default',
      });
    } catch {
      return {
        credit: 0,
        detail: `spec.owner "${owner}" is not an entity ref`,
      };
    }
    const [found] = await ctx.getEntitiesByRefs([ref]);
    return found
      ? { credit: 1, detail: `Owned by ${ref}` }
      : {
          credit: 0.5,
          detail: `Owner ${ref} is not in the catalog`,
        };
  },

  'on-call'(ctx) {
    const links = linksOfType(ctx.entity, ['oncall', 'on-call']);
    if (links.valid.length) {
      return { credit: 1, detail: `On-call link: ${links.valid[0]}` };
    }
    const named = ON_CALL_ANNOTATIONS.find(a => annotation(ctx.entity, a));
    if (named) return { credit: 1, detail: `On-call from ${named}` };
    return {
      credit: 0,
      detail: links.invalid.length
        ? 'The on-call link is not an http(s) URL'
        : 'No on-call link or annotation',
    };
  },

  async runbook(ctx) {
    const links = linksOfType(ctx.entity, ['runbook']);
    if (links.valid.length) {
      return { credit: 1, detail: `Runbook: ${links.valid[0]}` };
    }
    const slos = await ctx.slos();
    const fromSlos = slos
      .map(s => toHttpUrl(s.definition.annotations?.[RUNBOOK_URL_ANNOTATION]))
      .filter(Boolean);
    if (fromSlos.length) {
      return {
        credit: 0.5,
        detail: `Only the SLOs name a runbook (${fromSlos[0]}); add it to the entity's links`,
      };
    }
    return {
      credit: 0,
      detail: links.invalid.length
        ? 'The runbook link is not an http(s) URL'
        : 'No link of type runbook',
    };
  },

  dashboard(ctx) {
    const links = linksOfType(ctx.entity, ['dashboard']);
    if (links.valid.length) {
      return { credit: 1, detail: `Dashboard: ${links.valid[0]}` };
    }
    return {
      credit: 0,
      detail: links.invalid.length
        ? 'The dashboard link is not an http(s) URL'
        : 'No link of type dashboard',
    };
  },

  async 'alert-rules'(ctx) {
    const named = ALERT_ANNOTATIONS.find(a => annotation(ctx.entity, a));
    if (named)
      return { credit: 1, detail: `Alerts tied to the entity by ${named}` };
    const slos = await ctx.slos();
    const withRules = slos.filter(s =>
      generatePrometheusRules([s.definition]).groups.some(g =>
        g.rules.some(r => 'alert' in r),
      ),
    );
    if (withRules.length) {
      return {
        credit: 0.5,
        detail: `Burn-rate alert rules can be generated for ${withRules
          .map(sloName)
          .join(
            ', ',
          )}, but no alerts are tied to the entity (${ANNOTATION_ALERT_SELECTOR})`,
      };
    }
    return { credit: 0, detail: 'No alert rules tied to the entity' };
  },

  docs(ctx) {
    const ref = annotation(ctx.entity, TECHDOCS_ANNOTATION);
    if (ref) return { credit: 1, detail: `TechDocs: ${ref}` };
    const links = linksOfType(ctx.entity, ['docs', 'documentation', 'doc']);
    if (links.valid.length) {
      return {
        credit: 0.5,
        detail: `Documentation link ${links.valid[0]}, but no TechDocs`,
      };
    }
    return { credit: 0, detail: `No ${TECHDOCS_ANNOTATION} and no docs link` };
  },

  lifecycle(ctx) {
    const kind = ctx.entity.kind.toLocaleLowerCase('en-US');
    if (kind !== 'component' && kind !== 'api') {
      return { credit: null, detail: `A ${ctx.entity.kind} has no lifecycle` };
    }
    const lifecycle = ctx.entity.spec?.lifecycle;
    if (typeof lifecycle !== 'string' || !lifecycle.trim()) {
      return { credit: 0, detail: 'spec.lifecycle is not set' };
    }
    if (
      KNOWN_LIFECYCLES.includes(lifecycle.trim().toLocaleLowerCase('en-US'))
    ) {
      return { credit: 1, detail: `Lifecycle ${lifecycle}` };
    }
    return {
      credit: 0.5,
      detail: `Lifecycle "${lifecycle}" is not one of ${KNOWN_LIFECYCLES.join(
        ', ',
      )}`,
    };
  },
};

async function meanTimeCheck(
  ctx: ScoreCheckContext,
  key: 'mtta' | 'mttr',
  verb: string,
  name: string,
): Promise<ScoreCheckOutcome> {
  const { connected, stats } = await ctx.incidents();
  if (!connected) return { credit: null, detail: 'No incident source' };
  const figures = stats[key];
  if (figures.count === 0 || figures.meanSeconds === undefined) {
    return { credit: null, detail: `No incident ${verb} in the period` };
  }
  const threshold = ctx.definition.threshold ?? 0;
  const meanMs = figures.meanSeconds * 1000;
  const detail = `${name} ${formatDurationHuman(meanMs)} over ${plural(
    figures.count,
    'incident',
  )} (threshold ${formatDurationHuman(threshold)})`;
  if (meanMs <= threshold) return { credit: 1, detail };
  return { credit: threshold / meanMs, detail };
}

/** A check from a definition and its evaluation. */
function defineCheck(
  definition: ScoreCheckDefinition,
  evaluate: Evaluate,
): ScoreCheck {
  return {
    definition,
    async evaluate(context) {
      return evaluate(context);
    },
  };
}

/** The default checks (`DEFAULT_SCORE_CHECKS`), in their order. */
export function createDefaultScoreChecks(): ScoreCheck[] {
  return DEFAULT_SCORE_CHECKS.map(definition => {
    const evaluate = evaluators[definition.id];
    if (!evaluate) {
      throw new Error(`No evaluation for default check ${definition.id}`);
    }
    return defineCheck({ ...definition }, evaluate);
  });
}
