import type {
  AuthService,
  BackstageCredentials,
  BackstageServicePrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type { Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * Resolves the entity named by a request, as the caller: an entity a user may not read is
 * answered exactly like one that does not exist, so nothing leaks. Checks write permissions
 * against the entity, so that a policy can allow its owners.
 *
 * Service principals (other plugins, external-access tokens of scripts and CI) are decided
 * by their access restrictions alone: one may read an entity when its restrictions allow
 * `catalog.entity.read` or the permission it came to use (`writing`), and the plugin then
 * reads the catalog with its own credentials, since a restricted token cannot be delegated.
 */
export class EntityAccess {
  constructor(
    private readonly catalog: CatalogService,
    private readonly permissions: PermissionsService,
    private readonly auth: Pick<
      AuthService,
      'isPrincipal' | 'getOwnServiceCredentials'
    >,
  ) {}

  /**
   * The credentials to read the catalog with on behalf of the caller: the caller's own,
   * or, for a service principal whose access restrictions allow reading (or `writing`), the
   * plugin's; NotAllowedError for a service principal they do not allow.
   */
  async catalogCredentials(
    credentials: BackstageCredentials,
    writing?: ResourcePermission<'catalog-entity'>,
  ): Promise<BackstageCredentials> {
    if (!this.auth.isPrincipal(credentials, 'service')) return credentials;
    const wanted = [catalogEntityReadPermission, ...(writing ? [writing] : [])];
    const decisions = await this.permissions.authorizeConditional(
      wanted.map(permission => ({ permission })),
      { credentials },
    );
    if (!decisions.some(d => d.result === AuthorizeResult.ALLOW)) {
      const { subject } = (
        credentials as BackstageCredentials<BackstageServicePrincipal>
      ).principal;
      throw new NotAllowedError(
        `The service ${subject} may not ${
          writing ? describe(writing.name) : 'read catalog entities'
        }: its access restrictions allow neither ${wanted
          .map(p => p.name)
          .join(' nor ')}`,
      );
    }
    return this.auth.getOwnServiceCredentials();
  }

  /**
   * The entity of a (canonical) ref, or NotFoundError when missing or not readable; for a
   * route that writes, `writing` names its permission (checked with `requirePermission`).
   */
  async requireEntity(
    entityRef: string,
    credentials: BackstageCredentials,
    writing?: ResourcePermission<'catalog-entity'>,
  ): Promise<{ entity: Entity; entityRef: string }> {
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials: await this.catalogCredentials(credentials, writing),
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return { entity, entityRef };
  }

  /**
   * Like `requireEntity`, for what Airworthy keeps of entities the catalog no longer has
   * (retired SLOs): a missing entity is no obstacle for a caller allowed `permission` on it
   * (the SRE groups; owners can no longer be known). Everyone else gets the usual 404.
   */
  async requireEntityOrPermission(
    entityRef: string,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<string> {
    try {
      return (await this.requireEntity(entityRef, credentials)).entityRef;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      const [decision] = await this.permissions.authorize(
        [{ permission, resourceRef: entityRef }],
        { credentials },
      );
      if (decision.result === AuthorizeResult.ALLOW) return entityRef;
      throw error;
    }
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
    writing?: ResourcePermission<'catalog-entity'>,
  ): Promise<void> {
    if (entityRefs.length) {
      const { items } = await this.catalog.getEntitiesByRefs(
        { entityRefs, fields: ['kind', 'metadata.name'] },
        { credentials: await this.catalogCredentials(credentials, writing) },
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
    case 'operability.exception.write':
      return 'grant or revoke exceptions to the error-budget policy';
    case 'operability.gate.read':
      return 'read the deploy gate';
    default:
      return `use ${permissionName} on the data`;
  }
}
