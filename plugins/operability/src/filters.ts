import {
  isOperabilityAvailable,
  OPERABILITY_SOURCE_ANNOTATIONS,
} from '@airworthy/plugin-operability-common';
import type { Entity } from '@backstage/catalog-model';
import type { FilterPredicate } from '@backstage/filter-predicates';

/**
 * The entities the operability cards and tab appear on by default: Components (where an SLO
 * card that says what to add is how teams start), and any entity that names an Airworthy
 * source in its annotations. As a filter predicate, so apps can replace it in app-config.
 * @alpha
 */
export const operabilityEntityFilter: FilterPredicate = {
  $any: [
    { kind: 'component' },
    ...OPERABILITY_SOURCE_ANNOTATIONS.map(
      annotation =>
        ({
          [`metadata.annotations.${annotation}`]: { $exists: true },
        } as FilterPredicate),
    ),
  ],
};

/**
 * The same test as `operabilityEntityFilter`, for `EntitySwitch` in legacy apps: a Component,
 * or an entity with an Airworthy source annotation.
 * @public
 */
export function isOperabilityRelevant(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' ||
    isOperabilityAvailable(entity)
  );
}
