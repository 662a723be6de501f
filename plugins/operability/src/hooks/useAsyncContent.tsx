import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useRef, type DependencyList, type ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';

/**
 * How a loaded part of a card shows its loading state, its error and its content:
 *
 * - `replace` (the default): the progress bar while loading, then the error panel or the
 *   content. A later load (another entity) replaces the content by the progress bar again.
 * - `stack`: the progress bar, the error panel and the content, each while there is one: the
 *   content of the last load stays under the progress bar while the next runs (another chart
 *   window).
 * - `keep`: the content of the last load stays alone while the next runs (another page of a
 *   table, whose controls keep their focus); the progress bar shows only until there is content,
 *   and an error shows instead of the content.
 */
export type AsyncContentLayout = 'replace' | 'stack' | 'keep';

/** @see AsyncContent.render */
export interface AsyncContentOptions {
  /** How loading, error and content share the place; `replace` by default. */
  layout?: AsyncContentLayout;
  /**
   * Shows some errors otherwise than in the error panel (a 404 as a sentence, say): what it
   * returns is shown instead of the panel, which stays when it returns undefined.
   */
  renderError?: (error: Error) => ReactNode | undefined;
}

/** What {@link useAsyncContent} returns. */
export interface AsyncContent<T> {
  /** Whether a load runs. */
  loading: boolean;
  /** The error of the last load, until the next one succeeds. */
  error?: Error;
  /** The value of the last load; kept while the next runs, dropped when it fails. */
  value?: T;
  /** The value of the last load that succeeded, kept through later loads and failures. */
  latest?: T;
  /**
   * The progress bar, the error panel or `ready(value)`, placed as `options.layout` says.
   * `ready` is a plain function called while rendering: it returns elements, it calls no hook.
   */
  render(
    ready: (value: Exclude<T, undefined>) => ReactNode,
    options?: AsyncContentOptions,
  ): ReactNode;
}

/**
 * Loads what a card shows, again whenever `deps` change (as `useAsync` does), and renders the
 * loading state, the error and the content the same way on every card.
 *
 * @example
 * const slos = useAsyncContent(() => api.getEntitySlos(ref), [api, ref]);
 * return <InfoCard title="SLOs">{slos.render(value => <List slos={value} />)}</InfoCard>;
 */
export function useAsyncContent<T>(
  load: () => Promise<T>,
  deps: DependencyList,
): AsyncContent<T> {
  const { loading, error, value } = useAsync(load, deps);
  const latest = useRef<T>();
  if (value !== undefined) latest.current = value;

  const render: AsyncContent<T>['render'] = (ready, options = {}) => {
    const { layout = 'replace', renderError } = options;
    const showError = (e: Error) =>
      renderError?.(e) ?? <ResponseErrorPanel error={e} />;
    const content = () =>
      value === undefined ? null : ready(value as Exclude<T, undefined>);
    switch (layout) {
      case 'stack':
        return (
          <>
            {loading && <Progress />}
            {error && showError(error)}
            {content()}
          </>
        );
      case 'keep':
        if (error) return showError(error);
        return value === undefined ? <Progress /> : content();
      default:
        if (loading) return <Progress />;
        return error ? showError(error) : content();
    }
  };

  return { loading, error, value, latest: latest.current, render };
}
