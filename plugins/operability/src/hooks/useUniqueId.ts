import { useState } from 'react';

/**
 * An id for tying a label to its control, stable for the component's life (React 18's
 * `useId` is not available on the React 17 that Backstage apps may still run).
 */
export function useUniqueId(prefix: string): string {
  const [id] = useState(
    () => `${prefix}-${Math.random().toString(36).slice(2, 10)}`,
  );
  return id;
}
