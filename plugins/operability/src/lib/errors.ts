/**
 * What to tell the user about a failed request: the backend's own message (which says what to
 * fix), not the client's "Request failed with 409 Conflict".
 */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    const body = (error as { body?: { error?: { message?: unknown } } }).body;
    const backend = body?.error?.message;
    if (typeof backend === 'string' && backend) return backend;
    const cause = (error as { cause?: { message?: unknown } }).cause;
    if (typeof cause?.message === 'string' && cause.message) {
      return cause.message;
    }
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string' && message) return message;
  }
  return String(error);
}
