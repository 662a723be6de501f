import {
  parseEntityRef,
  stringifyEntityRef,
  type CompoundEntityRef,
} from '@backstage/catalog-model';
import { z } from 'zod';

/** Kind, namespace and name as they appear in `/entities/{kind}/{namespace}/{name}/...`. @public */
export const entityRouteParamsSchema = z.object({
  kind: z
    .string()
    .regex(
      /^[a-zA-Z][a-zA-Z0-9]{0,62}$/,
      'must be an entity kind such as "component"',
    ),
  namespace: z
    .string()
    .regex(
      /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/,
      'must be an entity namespace such as "default"',
    ),
  name: z
    .string()
    .regex(
      /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?$/,
      'must be an entity name of at most 63 letters, digits, ".", "_" or "-"',
    ),
});

/**
 * The canonical (lower-case) string form of an entity reference, as stored by Airworthy.
 * Accepts a ref string (`component:default/jupyterhub`, kind and namespace may be omitted
 * when defaults are given) or a compound ref.
 * @public
 */
export function toEntityRef(
  ref: string | CompoundEntityRef,
  defaults?: { defaultKind?: string; defaultNamespace?: string },
): string {
  return stringifyEntityRef(
    typeof ref === 'string' ? parseEntityRef(ref, defaults) : ref,
  );
}

/** The path segment `entities/{kind}/{namespace}/{name}` of an entity, URL-encoded. @public */
export function entityPath(ref: string | CompoundEntityRef): string {
  const { kind, namespace, name } =
    typeof ref === 'string' ? parseEntityRef(ref) : ref;
  return ['entities', kind, namespace, name]
    .map(s => encodeURIComponent(s.toLocaleLowerCase('en-US')))
    .join('/');
}
