import {
  ANNOTATION_PUBLIC_BADGE,
  type ScoreLevelDefinition,
} from '@airworthy/plugin-operability-common';
import type { Entity } from '@backstage/catalog-model';
import { makeBadge } from 'badge-maker';

/** Colours of the levels, lowest first, spread over however many levels there are. */
const PALETTE = [
  'red',
  'orange',
  'yellow',
  'yellowgreen',
  'green',
  'brightgreen',
];

/** The badge colour of a level: the lowest level red or orange, the highest bright green. */
export function levelColor(
  levelId: string | null,
  levels: ReadonlyArray<ScoreLevelDefinition>,
): string {
  const index = levels.findIndex(l => l.id === levelId);
  if (index < 0) return 'lightgrey';
  if (levels.length === 1) return 'brightgreen';
  const fromTop = levels.length - 1 - index;
  // 3 levels: orange, yellow, brightgreen.
  return PALETTE[Math.max(0, PALETTE.length - 1 - fromTop * 2)];
}

/** Whether the entity serves its badge without credentials (`airworthy.dev/public-badge: "true"`). */
export function hasPublicBadge(entity: Entity): boolean {
  return (
    entity.metadata.annotations?.[
      ANNOTATION_PUBLIC_BADGE
    ]?.trim().toLocaleLowerCase('en-US') === 'true'
  );
}

/** The SVG badge of a score: `operability | walk 72.5`. */
export function renderScoreBadge(
  score: number | null,
  levelId: string | null,
  levels: ReadonlyArray<ScoreLevelDefinition>,
): string {
  const level = levels.find(l => l.id === levelId);
  return makeBadge({
    label: 'operability',
    message:
      score === null || !level
        ? 'not scored'
        : `${level.title.toLocaleLowerCase('en-US')} ${score}`,
    color: levelColor(levelId, levels),
  });
}
