/**
 * Rules of OpenSLO v1 that relate several fields. They run on the document as written (not on
 * zod's output), so they are reported together with every malformed field of the document.
 */
import { DocumentProblems, FieldPath, isRecord } from './validation';

function has(record: Record<string, unknown>, key: string): boolean {
  return record[key] !== undefined && record[key] !== null;
}

/** A metric source must say what it is: a type, or a DataSource that has one. */
function checkMetric(
  metric: unknown,
  path: FieldPath,
  problems: DocumentProblems,
): void {
  if (!isRecord(metric) || !isRecord(metric.metricSource)) return;
  const source = metric.metricSource;
  if (!has(source, 'type') && !has(source, 'metricSourceRef')) {
    problems.add(
      [...path, 'metricSource'],
      'needs type (e.g. Prometheus) or metricSourceRef (the name of a DataSource document)',
    );
  }
}

/** `spec` of an SLI, or of an indicator inlined in an SLO or objective. */
export function checkSliSpec(
  spec: unknown,
  path: FieldPath,
  problems: DocumentProblems,
): void {
  if (!isRecord(spec)) return;
  const threshold = spec.thresholdMetric;
  const ratio = spec.ratioMetric;
  if (!has(spec, 'thresholdMetric') && !has(spec, 'ratioMetric')) {
    problems.add(
      path,
      'needs ratioMetric (good or bad events with total, or raw) or thresholdMetric',
    );
  } else if (has(spec, 'thresholdMetric') && has(spec, 'ratioMetric')) {
    problems.add(
      [...path, 'thresholdMetric'],
      'cannot be used together with ratioMetric: keep one of them',
    );
  }
  if (threshold !== undefined) {
    checkMetric(threshold, [...path, 'thresholdMetric'], problems);
  }
  if (!isRecord(ratio)) return;
  const ratioPath = [...path, 'ratioMetric'];
  for (const key of ['good', 'bad', 'total', 'raw']) {
    if (ratio[key] !== undefined) {
      checkMetric(ratio[key], [...ratioPath, key], problems);
    }
  }
  if (has(ratio, 'raw')) {
    const mixed = ['good', 'bad', 'total'].filter(k => has(ratio, k));
    if (mixed.length) {
      problems.add(
        [...ratioPath, 'raw'],
        `cannot be combined with ${mixed.join(
          ' and ',
        )}: use raw with rawType, or good or bad with total`,
      );
    }
    if (!has(ratio, 'rawType')) {
      problems.add(
        [...ratioPath, 'rawType'],
        'is required with raw: success (the metric is good/total) or failure (bad/total)',
      );
    }
    return;
  }
  if (has(ratio, 'rawType')) {
    problems.add(
      [...ratioPath, 'rawType'],
      'is only used with raw: remove it (good or bad already says which events are counted)',
    );
  }
  if (has(ratio, 'good') && has(ratio, 'bad')) {
    problems.add(
      [...ratioPath, 'bad'],
      'cannot be used together with good: keep one numerator (good or bad)',
    );
  } else if (!has(ratio, 'good') && !has(ratio, 'bad')) {
    problems.add(
      ratioPath,
      'needs a numerator, good or bad (with total), or raw with rawType',
    );
  }
  if (!has(ratio, 'total')) {
    problems.add(
      [...ratioPath, 'total'],
      'is required: the denominator, all events (with good or bad)',
    );
  }
}

function checkIndicatorChoice(
  holder: Record<string, unknown>,
  path: FieldPath,
  problems: DocumentProblems,
): void {
  if (has(holder, 'indicator') && has(holder, 'indicatorRef')) {
    problems.add(
      [...path, 'indicatorRef'],
      'cannot be used together with indicator: keep the inline indicator or the reference',
    );
  }
  if (isRecord(holder.indicator)) {
    checkSliSpec(
      holder.indicator.spec,
      [...path, 'indicator', 'spec'],
      problems,
    );
  }
}

/** `spec` of an SLO. */
export function checkSloSpec(
  spec: unknown,
  path: FieldPath,
  problems: DocumentProblems,
): void {
  if (!isRecord(spec)) return;
  checkIndicatorChoice(spec, path, problems);
  const objectives = Array.isArray(spec.objectives) ? spec.objectives : [];
  const sloHasIndicator = has(spec, 'indicator') || has(spec, 'indicatorRef');
  const method = spec.budgetingMethod;

  objectives.forEach((objective, index) => {
    if (!isRecord(objective)) return;
    const at = [...path, 'objectives', index];
    checkIndicatorChoice(objective, at, problems);
    const objectiveHasIndicator =
      has(objective, 'indicator') || has(objective, 'indicatorRef');
    if (sloHasIndicator && objectiveHasIndicator) {
      problems.add(
        [...at, has(objective, 'indicator') ? 'indicator' : 'indicatorRef'],
        `cannot be used together with the SLO's ${
          has(spec, 'indicator') ? 'spec.indicator' : 'spec.indicatorRef'
        }: an SLO has one indicator for all objectives, or (a composite SLO) one in every objective, not both`,
      );
    }
    if (!sloHasIndicator && !objectiveHasIndicator) {
      problems.add(
        at,
        'has no indicator: add indicator or indicatorRef to the SLO spec (or, for a composite SLO, to every objective)',
      );
    }
    if (has(objective, 'target') && has(objective, 'targetPercent')) {
      problems.add(
        [...at, 'targetPercent'],
        'cannot be used together with target: keep one (targetPercent: 99.5 is target: 0.995)',
      );
    } else if (!has(objective, 'target') && !has(objective, 'targetPercent')) {
      problems.add(
        at,
        'needs target (a ratio in [0, 1), e.g. 0.995) or targetPercent (e.g. 99.5)',
      );
    }
    if (method === 'Timeslices' && !has(objective, 'timeSliceTarget')) {
      problems.add(
        [...at, 'timeSliceTarget'],
        'is required with budgetingMethod Timeslices: the share of good events that makes a slice good, e.g. 0.95',
      );
    }
    if (
      (method === 'Timeslices' || method === 'RatioTimeslices') &&
      !has(objective, 'timeSliceWindow')
    ) {
      problems.add(
        [...at, 'timeSliceWindow'],
        `is required with budgetingMethod ${method}: the length of a slice, e.g. 1m`,
      );
    }
  });

  if (spec.timeWindow !== undefined) {
    checkTimeWindows(spec.timeWindow, [...path, 'timeWindow'], problems);
  }
}

function checkTimeWindows(
  windows: unknown,
  path: FieldPath,
  problems: DocumentProblems,
): void {
  if (!Array.isArray(windows)) return;
  if (windows.length === 0) {
    problems.add(
      path,
      'needs exactly one time window, e.g. "- duration: 28d" with "isRolling: true" (or leave timeWindow out for 28 days rolling)',
    );
  }
  windows.slice(1).forEach((_, index) => {
    problems.add(
      [...path, index + 1],
      'only one time window is allowed per SLO: remove this one (or write another SLO)',
    );
  });
  const window = windows[0];
  if (!isRecord(window)) return;
  if (window.isRolling === true && has(window, 'calendar')) {
    problems.add(
      [...path, 0, 'calendar'],
      'a rolling window has no calendar: remove calendar, or set isRolling: false for a calendar-aligned window',
    );
  }
  if (window.isRolling !== true && !has(window, 'calendar')) {
    problems.add(
      [...path, 0],
      'a calendar-aligned window needs calendar with startTime and timeZone; for a rolling window set isRolling: true',
    );
  }
}
