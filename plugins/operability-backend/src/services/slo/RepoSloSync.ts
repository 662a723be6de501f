import {
  ANNOTATION_SLO_FILES,
  getSloFileRefs,
  parseSloFiles,
  toEntityRef,
  type SloValidationError,
} from '@airworthy/plugin-operability-common';
import type {
  AuthService,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  getCompoundEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import type { OperabilityStore } from '../../database/OperabilityStore';
import type { SloInput } from '../../database/slo/SloStore';
import { toSloInput } from './SloRegistry';

/** Most bytes read of one SLO file. */
const MAX_FILE_BYTES = 1024 * 1024;

/** What a sync did. */
export interface RepoSyncResult {
  entities: number;
  slos: number;
  errors: number;
  removedEntities: number;
}

/** Where an entity's SLO file is: an http(s) URL, or a local path (development). */
type FileLocation =
  | { kind: 'url'; url: string }
  | { kind: 'file'; path: string };

/**
 * GitOps: reads the OpenSLO (or Sloth) files that entities name in `airworthy.dev/slo-files`
 * with Backstage's URL reader, and makes each entity's repo SLOs exactly what the files
 * define. Validation errors are stored per entity, never thrown. Relative paths are resolved
 * against the entity's source location (the location of its `catalog-info.yaml`).
 */
export class RepoSloSync {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      urlReader: UrlReaderService;
      integrations: ScmIntegrationRegistry;
      store: Pick<OperabilityStore, 'slos' | 'fileErrors'>;
      logger: LoggerService;
      /** Directories whose files `file:` locations may read (the demo catalog). */
      localDirectories: string[];
      concurrency?: number;
    },
  ) {}

  /**
   * Syncs every entity that names SLO files. Once `signal` aborts (the task's timeout),
   * entities not started yet wait for the next run, and no entity loses its SLOs in this one.
   */
  async syncAll(signal?: AbortSignal): Promise<RepoSyncResult> {
    const { catalog, auth, store } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const { items } = await catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${ANNOTATION_SLO_FILES}`]:
            CATALOG_FILTER_EXISTS,
        },
      },
      { credentials },
    );
    const limit = pLimit(this.options.concurrency ?? 4);
    const results = await Promise.all(
      items.map(entity =>
        limit(() =>
          signal?.aborted
            ? { slos: 0, errors: 0 }
            : this.syncEntity(entity, Date.now(), signal),
        ),
      ),
    );
    const synced = {
      entities: items.length,
      slos: results.reduce((n, r) => n + r.slos, 0),
      errors: results.reduce((n, r) => n + r.errors, 0),
    };
    if (signal?.aborted) return { ...synced, removedEntities: 0 };

    // Entities that no longer name SLO files (or are gone) lose their repo SLOs.
    const current = new Set(
      items.map(e => toEntityRef(getCompoundEntityRef(e))),
    );
    const previous = new Set([
      ...(await store.slos.listEntityRefs('repo')),
      ...(await store.fileErrors.listEntityRefs()),
    ]);
    let removedEntities = 0;
    for (const entityRef of previous) {
      if (current.has(entityRef)) continue;
      await store.slos.replaceForEntity(entityRef, 'repo', []);
      await store.fileErrors.delete(entityRef);
      removedEntities++;
    }
    return { ...synced, removedEntities };
  }

  /**
   * Reads one entity's SLO files and stores its repo SLOs and their errors (nothing once
   * `signal` has aborted: the task's timeout).
   */
  async syncEntity(
    entity: Entity,
    now: number = Date.now(),
    signal?: AbortSignal,
  ): Promise<{ slos: number; errors: number }> {
    const { store } = this.options;
    const entityRef = toEntityRef(getCompoundEntityRef(entity));
    const errors: SloValidationError[] = [];
    const files: Array<{ file: string; content: string }> = [];

    for (const ref of getSloFileRefs(entity)) {
      const location = this.locate(entity, ref);
      if ('error' in location) {
        errors.push({ file: ref, message: location.error });
        continue;
      }
      const file =
        location.kind === 'url' ? location.url : `file:${location.path}`;
      try {
        files.push({ file, content: await this.read(location) });
      } catch (error) {
        errors.push({
          file,
          message: `could not be read: ${(error as Error).message}`,
        });
      }
    }

    const parsed = parseSloFiles(files);
    errors.push(...parsed.errors);

    // An SLO created through the API keeps its name; the file's SLO is skipped.
    const apiNames = new Set(
      (await store.slos.listByEntity(entityRef))
        .filter(r => r.source === 'api')
        .map(r => r.name),
    );
    const inputs: SloInput[] = [];
    for (const slo of parsed.slos) {
      if (apiNames.has(slo.name)) {
        errors.push({
          file: slo.origin.file,
          document: slo.origin.document,
          path: 'metadata.name',
          message: `${entityRef} already has an SLO named ${slo.name} created through the API; rename one of them`,
        });
        continue;
      }
      inputs.push(toSloInput(slo, entityRef, 'repo', slo.origin.file));
    }

    if (signal?.aborted) return { slos: 0, errors: 0 };
    await store.slos.replaceForEntity(entityRef, 'repo', inputs, { now });
    await store.fileErrors.set({
      entityRef,
      files: files.map(f => f.file),
      errors,
      syncedAt: now,
    });
    if (errors.length > 0) {
      this.options.logger.info(
        `SLO files of ${entityRef}: ${inputs.length} SLO(s), ${errors.length} problem(s)`,
      );
    }
    return { slos: inputs.length, errors: errors.length };
  }

  /** Resolves a file ref against the entity's location; only http(s) and allowed local files. */
  private locate(
    entity: Entity,
    ref: string,
  ): FileLocation | { error: string } {
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
      return /^https?:\/\//i.test(ref)
        ? { kind: 'url', url: ref }
        : {
            error:
              'only http(s) URLs and paths relative to the entity are read; other schemes are refused',
          };
    }
    const annotations = entity.metadata.annotations ?? {};
    const base =
      annotations[ANNOTATION_SOURCE_LOCATION] ??
      annotations[ANNOTATION_LOCATION];
    if (!base) {
      return {
        error: `is relative, but the entity has no ${ANNOTATION_SOURCE_LOCATION} or ${ANNOTATION_LOCATION} annotation to resolve it against; use a URL`,
      };
    }
    const separator = base.indexOf(':');
    const type = base.slice(0, separator);
    const target = base.slice(separator + 1);
    if (type === 'url') {
      return {
        kind: 'url',
        url: this.options.integrations.resolveUrl({ url: ref, base: target }),
      };
    }
    if (type === 'file') {
      const resolved = path.resolve(path.dirname(target), ref);
      return { kind: 'file', path: resolved };
    }
    return {
      error: `is relative to a location of type ${type}, which cannot be read; use a URL`,
    };
  }

  private async read(location: FileLocation): Promise<string> {
    if (location.kind === 'url') {
      const response = await this.options.urlReader.readUrl(location.url);
      const buffer = await response.buffer();
      if (buffer.length > MAX_FILE_BYTES) {
        throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
      }
      return buffer.toString('utf8');
    }
    // Real paths, so that neither `..` nor a symbolic link leads outside.
    const real = await fs.realpath(location.path);
    const allowed = await Promise.all(
      this.options.localDirectories.map(async dir => {
        const root = await fs
          .realpath(path.resolve(dir))
          .catch(() => undefined);
        if (!root) return false;
        const relative = path.relative(root, real);
        return (
          relative !== '' &&
          !relative.startsWith('..') &&
          !path.isAbsolute(relative)
        );
      }),
    ).then(results => results.some(Boolean));
    if (!allowed) {
      throw new Error(
        'local files are read only inside operability.sloFiles.localDirectories',
      );
    }
    const stat = await fs.stat(real);
    if (stat.size > MAX_FILE_BYTES) {
      throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
    }
    return fs.readFile(real, 'utf8');
  }
}
