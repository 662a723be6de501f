import {
  entityRouteParamsSchema,
  toEntityRef,
} from '@airworthy/plugin-operability-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { parseInput } from '../lib/validation';

/**
 * Resolves the entity named by a request, as the caller: an entity the caller may not read
 * is answered exactly like one that does not exist, so nothing leaks.
 */
export class EntityAccess {
  constructor(private readonly catalog: CatalogService) {}

  async requireEntity(
    params: unknown,
    credentials: BackstageCredentials,
  ): Promise<{ entity: Entity; entityRef: string }> {
    const { kind, namespace, name } = parseInput(
      entityRouteParamsSchema,
      params,
      'params',
    );
    const entityRef = toEntityRef({ kind, namespace, name });
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return { entity, entityRef };
  }
}
