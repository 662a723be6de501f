import {
  createPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * The resource type of catalog entities; writes are checked against the entity they
 * touch so that a policy can allow owners (the catalog's `IS_ENTITY_OWNER` rule).
 * @public
 */
export const OPERABILITY_ENTITY_RESOURCE_TYPE = 'catalog-entity';

/** Create, update or delete the API-managed SLOs of an entity. @public */
export const operabilitySloWritePermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'operability.slo.write',
    attributes: { action: 'update' },
    resourceType: OPERABILITY_ENTITY_RESOURCE_TYPE,
  });

/** Push SLI data for an entity's SLOs. @public */
export const operabilitySliWritePermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'operability.sli.write',
    attributes: { action: 'update' },
    resourceType: OPERABILITY_ENTITY_RESOURCE_TYPE,
  });

/** Create or update manual incidents of an entity. @public */
export const operabilityIncidentWritePermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'operability.incident.write',
    attributes: { action: 'update' },
    resourceType: OPERABILITY_ENTITY_RESOURCE_TYPE,
  });

/** Grant or revoke exemptions from operability checks for an entity. @public */
export const operabilityExemptionWritePermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'operability.exemption.write',
    attributes: { action: 'update' },
    resourceType: OPERABILITY_ENTITY_RESOURCE_TYPE,
  });

/**
 * Grant or revoke exceptions to the error-budget policy of an entity (a blocked deploy gate
 * then allows, with a warning, until the exception expires). @public
 */
export const operabilityExceptionWritePermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'operability.exception.write',
    attributes: { action: 'update' },
    resourceType: OPERABILITY_ENTITY_RESOURCE_TYPE,
  });

/**
 * Read the deploy gate of an entity, and nothing else: for the external-access tokens of CI
 * (`accessRestrictions: [{ plugin: operability, permission: operability.gate.read }]`).
 * Users who may read the entity may read its gate; this permission is not for policies. @public
 */
export const operabilityGateReadPermission: ResourcePermission<'catalog-entity'> =
  createPermission({
    name: 'operability.gate.read',
    attributes: { action: 'read' },
    resourceType: OPERABILITY_ENTITY_RESOURCE_TYPE,
  });

/**
 * The write permissions of the operability plugin, which permission policies decide (owners
 * and SRE groups, see `decideOperabilityPermission` in -node). @public
 */
export const operabilityPermissions = [
  operabilitySloWritePermission,
  operabilitySliWritePermission,
  operabilityIncidentWritePermission,
  operabilityExemptionWritePermission,
  operabilityExceptionWritePermission,
];
