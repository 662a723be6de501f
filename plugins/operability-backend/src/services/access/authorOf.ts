import type { BackstageCredentials } from '@backstage/backend-plugin-api';

/**
 * Who made a change (granted an exemption, merged or split incidents): the user's entity
 * ref, or the calling service.
 */
export function authorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  if (principal.type === 'service' && principal.subject) {
    return principal.subject;
  }
  return 'unknown';
}
