import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_PUBLIC_BADGE,
  ANNOTATION_SLO_FILES,
  getSloFileRefs,
  isOperabilityAvailable,
  sloPhaseOf,
} from './annotations';

function entity(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'x', annotations },
  };
}

describe('annotations', () => {
  it('uses the airworthy.dev/ prefix', () => {
    expect(ANNOTATION_SLO_FILES).toBe('airworthy.dev/slo-files');
    expect(ANNOTATION_ALERT_SELECTOR).toBe('airworthy.dev/alert-selector');
  });

  it('finds operability sources only in source annotations with a value', () => {
    expect(isOperabilityAvailable(entity())).toBe(false);
    expect(
      isOperabilityAvailable(entity({ [ANNOTATION_SLO_FILES]: '  ' })),
    ).toBe(false);
    expect(
      isOperabilityAvailable(entity({ [ANNOTATION_PUBLIC_BADGE]: 'true' })),
    ).toBe(false);
    expect(
      isOperabilityAvailable(entity({ [ANNOTATION_SLO_FILES]: 'slos.yaml' })),
    ).toBe(true);
    expect(
      isOperabilityAvailable(
        entity({ [ANNOTATION_ALERT_SELECTOR]: 'service=hub' }),
      ),
    ).toBe(true);
  });

  it('splits the SLO files annotation on commas, trimming and dropping empty entries', () => {
    expect(getSloFileRefs(entity())).toEqual([]);
    expect(
      getSloFileRefs(
        entity({
          [ANNOTATION_SLO_FILES]:
            ' slos.yaml,,https://example.com/a.yaml , b.yaml',
        }),
      ),
    ).toEqual(['slos.yaml', 'https://example.com/a.yaml', 'b.yaml']);
  });
});

describe('sloPhaseOf', () => {
  it('is informing only when the SLO says so; enforcing otherwise', () => {
    expect(sloPhaseOf({ 'airworthy.dev/phase': 'informing' })).toBe(
      'informing',
    );
    expect(sloPhaseOf({ 'airworthy.dev/phase': ' Informing ' })).toBe(
      'informing',
    );
    expect(sloPhaseOf({ 'airworthy.dev/phase': 'enforcing' })).toBe(
      'enforcing',
    );
    expect(sloPhaseOf({ 'airworthy.dev/phase': 'draft' })).toBe('enforcing');
    expect(sloPhaseOf({})).toBe('enforcing');
    expect(sloPhaseOf(undefined)).toBe('enforcing');
  });
});
