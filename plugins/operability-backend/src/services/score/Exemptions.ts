import type {
  EntityExemptionsResponse,
  ExemptionWrite,
  ScoreExemption,
} from '@airworthy/plugin-operability-common';
import type { Entity } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { OperabilityStore } from '../../database/OperabilityStore';
import {
  apiExemption,
  refOf,
  type OperabilityScorer,
} from './OperabilityScorer';
import { TIME } from '@airworthy/plugin-operability-common';

const { DAY } = TIME;

/**
 * Exemptions granted through the API, one per entity and check: granted (or replaced) and
 * revoked by callers holding `operability.exemption.write` on the entity (the routes check
 * that). Every change re-scores the entity at once.
 */
export class Exemptions {
  constructor(
    private readonly store: Pick<OperabilityStore, 'exemptions'>,
    private readonly scorer: OperabilityScorer,
    private readonly now: () => number = Date.now,
  ) {}

  async list(entity: Entity): Promise<EntityExemptionsResponse> {
    const { exemptions, errors } = await this.scorer.exemptionsOf(
      entity,
      this.now(),
    );
    return { entityRef: refOf(entity), items: exemptions, errors };
  }

  private requireCheck(check: string): void {
    const ids = this.scorer.settings.checks.map(c => c.definition.id);
    if (!ids.includes(check)) {
      throw new NotFoundError(
        `No check "${check}"; the checks are ${ids.join(', ')}`,
      );
    }
  }

  async put(
    entity: Entity,
    check: string,
    input: ExemptionWrite,
    author: string,
  ): Promise<ScoreExemption> {
    this.requireCheck(check);
    const now = this.now();
    const maxDays = this.scorer.settings.exemptionMaxDays;
    if (input.expiresAt <= now) {
      throw new InputError(
        `Invalid request body: body.expiresAt: must be in the future (it is ${new Date(
          input.expiresAt,
        ).toISOString()})`,
      );
    }
    if (input.expiresAt > now + maxDays * DAY) {
      throw new InputError(
        `Invalid request body: body.expiresAt: must be at most ${maxDays} days ahead; exemptions are reviewed when they expire`,
      );
    }
    const record = await this.store.exemptions.put({
      entityRef: refOf(entity),
      check,
      reason: input.reason,
      author,
      expiresAt: input.expiresAt,
      createdAt: now,
    });
    await this.scorer.scoreEntity(entity, { now });
    return apiExemption(record, now);
  }

  async delete(entity: Entity, check: string): Promise<void> {
    this.requireCheck(check);
    const entityRef = refOf(entity);
    if (!(await this.store.exemptions.delete(entityRef, check))) {
      const { exemptions } = await this.scorer.exemptionsOf(entity, this.now());
      if (
        exemptions.some(e => e.check === check && e.source === 'annotation')
      ) {
        throw new ConflictError(
          `The exemption of ${entityRef} from ${check} comes from the airworthy.dev/exemptions annotation; remove it there`,
        );
      }
      throw new NotFoundError(`${entityRef} has no exemption from ${check}`);
    }
    await this.scorer.scoreEntity(entity, { now: this.now() });
  }
}
