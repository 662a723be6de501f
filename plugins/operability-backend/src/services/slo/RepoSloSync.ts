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
import gitUrlParse from 'git-url-parse';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import pLimit from 'p-limit';
import type { OperabilityStore } from '../../database/OperabilityStore';
import type { SloInput } from '../../database/slo/SloStore';
import type { SloLimits } from '../../config';
import { periodProblem, toSloInput } from './SloRegistry';

/** Most bytes read of one SLO file. */
const MAX_FILE_BYTES = 1024 * 1024;

/** What a sync did. */
export interface RepoSyncResult {
  entities: number;
  slos: number;
  errors: number;
  /** Entities whose SLO files are no longer named: their repo SLOs were retired. */
  removedEntities: number;
  /** Entities gone from the catalog whose SLOs were retired in this run. */
  retiredEntities: number;
  /** Entities back in the catalog whose SLOs were restored in this run. */
  restoredEntities: number;
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
      limits: Pick<
        SloLimits,
        'maxObjectivesPerDocument' | 'maxPerEntity' | 'maxPeriodMs'
      >;
      concurrency?: number;
    },
  ) {}

  async syncAll(now: number = Date.now()): Promise<RepoSyncResult> {
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
    const swept = await this.sweepEntities(now);
    const limit = pLimit(this.options.concurrency ?? 4);
    const results = await Promise.all(
      items.map(entity => limit(() => this.syncEntity(entity, now))),
    );

    // Entities that no longer name SLO files retire their repo SLOs (kept for the grace
    // period, back with their history if the files come back).
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
      await store.slos.replaceForEntity(entityRef, 'repo', [], {
        now,
        reason: 'file-removed',
      });
      await store.fileErrors.delete(entityRef);
      removedEntities++;
    }
    return {
      entities: items.length,
      slos: results.reduce((n, r) => n + r.slos, 0),
      errors: results.reduce((n, r) => n + r.errors, 0),
      removedEntities,
      retiredEntities: swept.retired,
      restoredEntities: swept.restored,
    };
  }

  /**
   * Follows the catalog: the SLOs of entities that left it are retired (`entity-removed`),
   * and those of entities that came back are restored with their history. Nothing is
   * deleted here, whatever happens to the catalog.
   */
  private async sweepEntities(
    now: number,
  ): Promise<{ retired: number; restored: number }> {
    const { catalog, auth, store } = this.options;
    const inForce = await store.slos.listEntityRefs();
    const away = [
      ...new Set(
        (await store.slos.listRetired({ reason: 'entity-removed' })).map(
          r => r.entityRef,
        ),
      ),
    ];
    const refs = [...new Set([...inForce, ...away])];
    if (refs.length === 0) return { retired: 0, restored: 0 };
    const credentials = await auth.getOwnServiceCredentials();
    const present = new Set<string>();
    for (let i = 0; i < refs.length; i += 500) {
      const chunk = refs.slice(i, i + 500);
      const { items } = await catalog.getEntitiesByRefs(
        {
          entityRefs: chunk,
          fields: ['kind', 'metadata.namespace', 'metadata.name'],
        },
        { credentials },
      );
      items.forEach((item, j) => {
        if (item) present.add(chunk[j]);
      });
    }
    let retired = 0;
    let restored = 0;
    for (const entityRef of inForce) {
      if (present.has(entityRef)) continue;
      await store.slos.retire({ entityRef }, 'entity-removed', now);
      this.options.logger.info(
        `${entityRef} left the catalog: its SLOs are retired, their data kept`,
      );
      retired++;
    }
    for (const entityRef of away) {
      if (!present.has(entityRef)) continue;
      await store.slos.restore({ entityRef, reason: 'entity-removed' }, now);
      this.options.logger.info(
        `${entityRef} is back in the catalog: its retired SLOs are restored with their history`,
      );
      restored++;
    }
    return { retired, restored };
  }

  /** Reads one entity's SLO files and stores its repo SLOs and their errors. */
  async syncEntity(
    entity: Entity,
    now: number = Date.now(),
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
    const { maxObjectivesPerDocument, maxPerEntity } = this.options.limits;
    const inputs: SloInput[] = [];
    for (const slo of parsed.slos) {
      const period = periodProblem(slo, this.options.limits);
      if (period) {
        if (slo.objective.index === 0) {
          errors.push({
            file: slo.origin.file,
            document: slo.origin.document,
            path: 'spec.timeWindow',
            message: period,
          });
        }
        continue;
      }
      if (slo.objective.count > maxObjectivesPerDocument) {
        if (slo.objective.index === 0) {
          errors.push({
            file: slo.origin.file,
            document: slo.origin.document,
            path: 'spec.objectives',
            message: `defines ${slo.objective.count} objectives; at most ${maxObjectivesPerDocument} are allowed per document (operability.slos.maxObjectivesPerDocument)`,
          });
        }
        continue;
      }
      if (apiNames.size + inputs.length >= maxPerEntity) {
        errors.push({
          file: slo.origin.file,
          document: slo.origin.document,
          path: 'metadata.name',
          message: `${entityRef} already has ${maxPerEntity} SLOs (objectives counted one by one), the most allowed per entity (operability.slos.maxPerEntity); SLO ${slo.name} is left out`,
        });
        continue;
      }
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

    await this.adoptRenamed(entityRef, inputs, now);
    await store.slos.replaceForEntity(entityRef, 'repo', inputs, {
      now,
      reason: 'file-removed',
    });
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

  /**
   * An entity renamed in its repository is a new entity naming the same file: its SLOs that
   * are new to it take over the retired SLO of the same file and ref, history and all.
   */
  private async adoptRenamed(
    entityRef: string,
    inputs: SloInput[],
    now: number,
  ): Promise<void> {
    const { store, logger } = this.options;
    const known = new Set(
      [
        ...(await store.slos.listByEntity(entityRef)),
        ...(await store.slos.listRetired({ entityRef })),
      ].map(r => r.ref),
    );
    for (const input of inputs) {
      if (known.has(input.ref) || !input.sourceLocation) continue;
      const [previous] = (
        await store.slos.listRetired({
          source: 'repo',
          sourceLocation: input.sourceLocation,
        })
      ).filter(r => r.ref === input.ref && r.entityRef !== entityRef);
      if (previous && (await store.slos.adopt(previous.id, entityRef, now))) {
        logger.info(
          `SLO ${input.ref} of ${input.sourceLocation} moves from ${previous.entityRef} to ${entityRef} with its history`,
        );
      }
    }
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
      const url = this.options.integrations.resolveUrl({
        url: ref,
        base: target,
      });
      // Hosts of an SCM integration are read with its credentials: stay in the repository.
      if (
        this.options.integrations.byUrl(url) &&
        !sameRepository(target, url)
      ) {
        return {
          error: `resolves to ${url}, outside the entity's own repository; relative paths stay inside it (use a URL to name a file elsewhere)`,
        };
      }
      return { kind: 'url', url };
    }
    if (type === 'file') {
      const registeredFrom = annotations[ANNOTATION_LOCATION] ?? '';
      if (!registeredFrom.startsWith('file:')) {
        return {
          error: `is relative to ${ANNOTATION_SOURCE_LOCATION} ${base}, a local path, but the entity was registered from ${
            registeredFrom || 'an unknown location'
          }; local paths are only read for entities registered from local files`,
        };
      }
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
      return readAtMost(response, MAX_FILE_BYTES);
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
    const handle = await fs.open(real, 'r');
    try {
      return await readAtMost(
        { stream: () => handle.createReadStream({ autoClose: false }) },
        MAX_FILE_BYTES,
      );
    } finally {
      await handle.close();
    }
  }
}

/**
 * Whether a URL is in the same repository (same host, same owner and name) as the base
 * it was resolved against: a relative path such as `../../other-org/private/slos.yaml`
 * must not make the integration's credentials read another repository.
 */
export function sameRepository(base: string, url: string): boolean {
  try {
    const a = gitUrlParse(base);
    const b = gitUrlParse(url);
    return (
      a.resource.toLowerCase() === b.resource.toLowerCase() &&
      a.full_name.toLowerCase() === b.full_name.toLowerCase() &&
      a.full_name !== ''
    );
  } catch {
    return false;
  }
}

/**
 * The UTF-8 text of a response, read as a stream that is abandoned as soon as it passes
 * `max` bytes, so a huge file never sits in memory whole.
 */
export async function readAtMost(
  response: { stream?(): Readable; buffer?(): Promise<Buffer> },
  max: number,
): Promise<string> {
  const tooLarge = () => new Error(`larger than ${max} bytes`);
  if (!response.stream) {
    const buffer = await response.buffer!();
    if (buffer.length > max) throw tooLarge();
    return buffer.toString('utf8');
  }
  const stream = response.stream();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += bytes.length;
      if (size > max) throw tooLarge();
      chunks.push(bytes);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}
