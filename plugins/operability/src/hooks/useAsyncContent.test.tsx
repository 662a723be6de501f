import { renderInTestApp } from '@backstage/test-utils';
import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import {
  useAsyncContent,
  type AsyncContentLayout,
  type AsyncContentOptions,
} from './useAsyncContent';

/** A load the test settles when it wants. */
interface Load {
  promise: Promise<string>;
  resolve(value: string): void;
  reject(error: Error): void;
}

function newLoad(): Load {
  let resolve!: (value: string) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Shows load number n; the button starts load n + 1, as a change of the card's deps does. */
function Harness(props: { loads: Load[]; options?: AsyncContentOptions }) {
  const [n, setN] = useState(0);
  const content = useAsyncContent(() => props.loads[n].promise, [n]);
  return (
    <>
      <button onClick={() => setN(i => i + 1)}>next</button>
      <div data-testid="place">
        {content.render(
          value => (
            <p>content {value}</p>
          ),
          props.options,
        )}
      </div>
      <p>latest {content.latest ?? 'none'}</p>
    </>
  );
}

async function settle(action: () => void) {
  await act(async () => {
    action();
  });
}

/** What the place shows, in order: the progress bar, an error panel, a content. */
function shown(): string[] {
  return Array.from(screen.getByTestId('place').children).map(el => {
    if (el.getAttribute('data-testid') === 'progress') return 'progress';
    if (el.getAttribute('data-testid') === 'content') return el.textContent!;
    return el.textContent?.includes('Error: ') ? 'error' : el.textContent!;
  });
}

/**
 * Goes through first load, success, a reload, a failure, a reload after the failure and a last
 * success, and says what the place showed at each step.
 */
async function walk(layout?: AsyncContentLayout) {
  const loads = [newLoad(), newLoad(), newLoad(), newLoad()];
  await renderInTestApp(
    <Harness loads={loads} options={layout ? { layout } : undefined} />,
  );
  const steps: Record<string, string[]> = {};
  steps.loading = shown();
  await settle(() => loads[0].resolve('A'));
  steps.loaded = shown();
  await userEvent.click(screen.getByRole('button', { name: 'next' }));
  steps.reloading = shown();
  await settle(() => loads[1].reject(new Error('store down')));
  steps.failed = shown();
  expect(screen.getByText('latest A')).toBeInTheDocument();
  await userEvent.click(screen.getByRole('button', { name: 'next' }));
  steps.retrying = shown();
  await settle(() => loads[2].resolve('B'));
  steps.recovered = shown();
  expect(screen.getByText('latest B')).toBeInTheDocument();
  return steps;
}

describe('useAsyncContent', () => {
  it('replaces the content by the progress bar, then by the error or the new content', async () => {
    expect(await walk()).toEqual({
      loading: ['progress'],
      loaded: ['content A'],
      reloading: ['progress'],
      failed: ['error'],
      retrying: ['progress'],
      recovered: ['content B'],
    });
  });

  it('stacks the progress bar, the error and the last content', async () => {
    expect(await walk('stack')).toEqual({
      loading: ['progress'],
      loaded: ['content A'],
      reloading: ['progress', 'content A'],
      failed: ['error'],
      retrying: ['progress', 'error'],
      recovered: ['content B'],
    });
  });

  it('keeps the last content on screen while the next loads, and the error until one succeeds', async () => {
    expect(await walk('keep')).toEqual({
      loading: ['progress'],
      loaded: ['content A'],
      reloading: ['content A'],
      failed: ['error'],
      retrying: ['error'],
      recovered: ['content B'],
    });
  });

  it('shows an error otherwise when asked, and the panel for the others', async () => {
    const loads = [newLoad(), newLoad()];
    await renderInTestApp(
      <Harness
        loads={loads}
        options={{
          renderError: e =>
            e.message === 'not scored' ? <p>not scored here</p> : undefined,
        }}
      />,
    );
    await settle(() => loads[0].reject(new Error('not scored')));
    expect(shown()).toEqual(['not scored here']);
    await userEvent.click(screen.getByRole('button', { name: 'next' }));
    await settle(() => loads[1].reject(new Error('store down')));
    expect(shown()).toEqual(['error']);
    expect(screen.getByText('Error: store down')).toBeInTheDocument();
  });
});
