import { toEntityRef } from '@airworthy/plugin-operability-common';
import type { AuthService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** An entity that carries an annotation: its canonical ref, name and the annotation's value. @public */
export interface AnnotatedEntity {
  entityRef: string;
  name: string;
  value: string;
}

/**
 * Every catalog entity with a non-empty value for the annotation, read with the plugin's
 * own service credentials (sources map incidents to entities through annotations such as
 * `airworthy.dev/alert-selector` and `pagerduty.com/service-id`).
 * @public
 */
export async function listAnnotatedEntities(
  catalog: CatalogService,
  auth: AuthService,
  annotation: string,
): Promise<AnnotatedEntity[]> {
  const { items } = await catalog.getEntities(
    {
      filter: { [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS },
      fields: [
        'kind',
        'metadata.namespace',
        'metadata.name',
        'metadata.annotations',
      ],
    },
    { credentials: await auth.getOwnServiceCredentials() },
  );
  return items.flatMap(entity => {
    const value = entity.metadata.annotations?.[annotation]?.trim();
    if (!value) return [];
    return [
      {
        entityRef: toEntityRef({
          kind: entity.kind,
          namespace: entity.metadata.namespace ?? 'default',
          name: entity.metadata.name,
        }),
        name: entity.metadata.name,
        value,
      },
    ];
  });
}
