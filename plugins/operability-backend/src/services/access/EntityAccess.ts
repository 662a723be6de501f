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

/** How many entities read with the plugin's own credentials are kept (`maxAgeMs`). */
const OWN_READS_KEPT = 10_000;

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
  /**
   * Entities read with the plugin's own credentials (for service callers), by ref, with when
   * they were read: `requireEntity` with `maxAgeMs` answers from here. Nothing read with a
   * user's credentials is kept (a user's permission decision is the catalog's, each time).
   */
  private readonly ownReads = new Map<
    string,
    { readAt: number; entity: Entity | undefined }
  >();

  constructor(
    private readonly catalog: CatalogService,
    private readonly permissions: PermissionsService,
    private readonly auth: Pick<
      AuthService,
      'isPrincipal' | 'getOwnServiceCredentials'
    >,
    private readonly options: { now?: () => number } = {},
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
   *
   * `maxAgeMs` (read-only routes): a service caller, whose access restrictions are decided
   * here and whose catalog read is made with the plugin's own credentials, may be answered
   * from that read if it is at most this old, so that a script polling an entity does not
   * cost a catalog request each time. A user is always answered by the catalog.
   */
  async requireEntity(
    entityRef: string,
    credentials: BackstageCredentials,
    writing?: ResourcePermission<'catalog-entity'>,
    options: { maxAgeMs?: number } = {},
  ): Promise<{ entity: Entity; entityRef: string }> {
    const catalogCredentials = await this.catalogCredentials(
      credentials,
      writing,
    );
    const entity =
      options.maxAgeMs && catalogCredentials !== credentials
        ? await this.ownRead(entityRef, catalogCredentials, options.maxAgeMs)
        : await this.catalog.getEntityByRef(entityRef, {
            credentials: catalogCredentials,
          });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return { entity, entityRef };
  }

  /** The entity as read with the plugin's own credentials at most `maxAgeMs` ago. */
  private async ownRead(
    entityRef: string,
    credentials: BackstageCredentials,
    maxAgeMs: number,
  ): Promise<Entity | undefined> {
    const now = (this.options.now ?? Date.now)();
    const kept = this.ownReads.get(entityRef);
    if (kept && now - kept.readAt <= maxAgeMs) return kept.entity;
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    // Bounded: the oldest read goes first (a Map iterates in insertion order).
    this.ownReads.delete(entityRef);
    if (this.ownReads.size >= OWN_READS_KEPT) {
      this.ownReads.delete(this.ownReads.keys().next().value!);
    }
    this.ownReads.set(entityRef, { readAt: now, entity });
    return entity;
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
