import {
  useRouteRef,
  type RouteFunc,
  type SubRouteRef,
  type RouteRef,
  type AnyParams,
} from '@backstage/core-plugin-api';

/**
 * A link to one of the plugin's pages, or undefined when the app does not mount that page
 * (a legacy app may add the cards without the SLO editor): links to it are then left out
 * instead of breaking the card.
 */
export function useOptionalRouteRef<Params extends AnyParams>(
  routeRef: RouteRef<Params> | SubRouteRef<Params>,
): RouteFunc<Params> | undefined {
  try {
    // useRouteRef calls its hooks before it throws, so the hook order is always the same.
    return useRouteRef(routeRef);
  } catch {
    return undefined;
  }
}
