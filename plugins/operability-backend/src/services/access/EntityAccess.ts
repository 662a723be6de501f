import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * Resolves the entity named by a request, as the caller: an entity the caller may not read
 * is answered exactly like one that does not exist, so nothing leaks. Checks write
 * permissions against the entity, so that a policy can allow its owners.
 */
export class EntityAccess {
  constructor(
    private readonly catalog: CatalogService,
    private readonly permissions: PermissionsService,
  ) {}

  /** The entity of a (canonical) ref, or NotFoundError when missing or not readable. */
  async requireEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<{ entity: Entity; entityRef: string }> {
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return { entity, entityRef };
  }

  /** Throws NotAllowedError unless the caller holds `permission` on the entity. */
  async requirePermission(
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const [decision] = await this.permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not ${describe(permission.name)} of ${entityRef} (permission ${
          permission.name
        })`,
      );
    }
  }

  /**
   * Succeeds when the caller may read at least one of the entities; otherwise throws a
   * NotFoundError with the given message (things tied to unreadable entities do not leak).
   */
  async requireAnyEntity(
    entityRefs: string[],
    credentials: BackstageCredentials,
    notFoundMessage: string,
  ): Promise<void> {
    if (entityRefs.length) {
      const { items } = await this.catalog.getEntitiesByRefs(
        { entityRefs, fields: ['kind', 'metadata.name'] },
        { credentials },
      );
      if (items.some(Boolean)) return;
    }
    throw new NotFoundError(notFoundMessage);
  }
}

function describe(permissionName: string): string {
  switch (permissionName) {
    case 'operability.slo.write':
      return 'create, change or delete the SLOs';
    case 'operability.sli.write':
      return 'push SLI data for the SLOs';
    case 'operability.incident.write':
      return 'record incidents';
    case 'operability.exemption.write':
      return 'grant exemptions';
    default:
      return `use ${permissionName} on the data`;
  }
}
