import { sloCreateRouteRef } from '../routes';
import { useOptionalRouteRef } from './useOptionalRouteRef';

/**
 * The link to the SLO editor's "new SLO" page for an entity, or undefined when the app does not
 * mount the editor.
 */
export function useSloCreateLink(entityRef: string): string | undefined {
  const createLink = useOptionalRouteRef(sloCreateRouteRef);
  if (!createLink) return undefined;
  return `${createLink()}?${new URLSearchParams({ entity: entityRef })}`;
}
