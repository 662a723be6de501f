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

/** Every permission of the operability plugin. @public */
export const operabilityPermissions = [
  operabilitySloWritePermission,
  operabilitySliWritePermission,
  operabilityIncidentWritePermission,
  operabilityExemptionWritePermission,
];
