import { Fragment } from 'react';
import { wrapPieces } from '../../lib/format';

/**
 * Text that wraps between words only, CamelCase and `snake_case` words included (an alert name
 * such as `JupyterhubErrorBudgetBurn` breaks as `JupyterhubError` / `BudgetBurn`, never inside a
 * word). Untrusted text stays text.
 */
export function WrappingText(props: { text: string }) {
  const pieces = wrapPieces(props.text);
  return (
    <>
      {pieces.map((piece, i) => (
        // The pieces of one text never move: their index is their identity.
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {piece}
        </Fragment>
      ))}
    </>
  );
}
