import { Link } from '@backstage/core-components';
import type { ReactNode } from 'react';
import { safeHref } from '../../lib/incidents';

/**
 * A link to an untrusted URL: rendered as a link only when it is an absolute http(s) URL,
 * otherwise its label as plain text.
 */
export function SafeLink(props: { href?: string | null; children: ReactNode }) {
  const href = safeHref(props.href);
  if (!href) return <>{props.children}</>;
  return (
    <Link to={href} target="_blank" rel="noopener noreferrer">
      {props.children}
    </Link>
  );
}
