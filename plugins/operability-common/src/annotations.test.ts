import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_PUBLIC_BADGE,
  ANNOTATION_SLO_FILES,
  getSloFileRefs,
  isOperabilityAvailable,
  parseSloPhase,
  sloPhaseOf,
  sloPhaseValue,
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
  it('is enforcing only when the SLO says so; informing otherwise', () => {
    const annotated = (phase: string) => ({
      annotations: { 'airworthy.dev/phase': phase },
    });
    expect(sloPhaseOf(annotated('enforcing'))).toBe('enforcing');
    expect(sloPhaseOf(annotated(' Enforcing '))).toBe('enforcing');
    expect(sloPhaseOf(annotated('informing'))).toBe('informing');
    expect(sloPhaseOf({ annotations: {}, labels: {} })).toBe('informing');
    expect(sloPhaseOf({})).toBe('informing');
  });

  it('reads annotations, then labels, then a Sloth resource metadata', () => {
    expect(
      sloPhaseOf({
        annotations: { 'airworthy.dev/phase': 'informing' },
        labels: { airworthy_phase: 'enforcing' },
      }),
    ).toBe('informing');
    expect(sloPhaseOf({ labels: { airworthy_phase: 'enforcing' } })).toBe(
      'enforcing',
    );
    expect(sloPhaseOf({ labels: { 'airworthy.dev/phase': 'enforcing' } })).toBe(
      'informing',
    );
    expect(
      sloPhaseOf({
        labels: {},
        origin: {
          kubernetes: {
            labels: {},
            annotations: { 'airworthy.dev/phase': 'enforcing' },
          },
        },
      }),
    ).toBe('enforcing');
  });

  it('tells a written phase it does not know', () => {
    expect(sloPhaseValue({ labels: { airworthy_phase: 'draft' } })).toBe(
      'draft',
    );
    expect(parseSloPhase('draft')).toBeUndefined();
    expect(parseSloPhase('ENFORCING')).toBe('enforcing');
  });
});
