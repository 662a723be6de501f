import {
  OperabilityClient,
  type OperabilityApi,
} from '@airworthy/plugin-operability-common';
import {
  createApiFactory,
  createApiRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';

/** The operability backend's API, as a Backstage utility API. @public */
export const operabilityApiRef = createApiRef<OperabilityApi>({
  id: 'plugin.operability.api',
});

/** Builds the API from Backstage's discovery and (credentialed) fetch APIs. */
export const operabilityApiFactory = createApiFactory({
  api: operabilityApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) =>
    new OperabilityClient({ discoveryApi, fetchApi }),
});
