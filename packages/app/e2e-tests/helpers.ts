import {
  expect,
  type APIRequestContext,
  type Locator,
  type Page,
} from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

/** Screenshots of each page, for people to look at (gitignored). */
export const SCREENSHOT_DIR = path.resolve(
  __dirname,
  '../../../e2e-screenshots',
);

/**
 * A screenshot of the whole page, or of one part of it (a card) when given. It also fails when
 * something in a card runs past the card's right edge, where the card cuts it off: what a person
 * reading the screenshot would miss.
 */
export async function screenshot(page: Page, name: string, part?: Locator) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  if (part) {
    await part.screenshot({ path: file });
  } else {
    await page.screenshot({ path: file, fullPage: true });
  }
  expect(await cutOffInCards(part ?? page.locator('body')), name).toEqual([]);
}

/**
 * The visible elements and text inside the cards of `scope` that run past the right edge of the
 * box that clips them (the card, or a part of it with `overflow: hidden`), so that a person
 * never sees their end. A region that scrolls sideways is not a cut, nor is text that ends in
 * an ellipsis. Each is described by its tag and the start of its text.
 */
export async function cutOffInCards(scope: Locator): Promise<string[]> {
  return scope.evaluate(root => {
    const cards = [
      ...(root.matches('.MuiCard-root') ? [root] : []),
      ...root.querySelectorAll('.MuiCard-root'),
    ];
    const cut: string[] = [];
    for (const card of cards) {
      // Elements, and text (a line that does not wrap overflows a box that keeps its width).
      const nodes: Node[] = [...card.querySelectorAll('*')];
      const texts = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
      while (texts.nextNode()) nodes.push(texts.currentNode);
      for (const node of nodes) {
        const isText = !(node instanceof Element);
        const el = isText ? node.parentElement! : (node as Element);
        let box: DOMRect;
        if (isText) {
          const range = document.createRange();
          range.selectNodeContents(node);
          box = range.getBoundingClientRect();
        } else {
          box = el.getBoundingClientRect();
        }
        if (box.width === 0 || getComputedStyle(el).visibility === 'hidden') {
          continue;
        }
        // The nearest box that does not let it show past its edge.
        let clip: Element = card;
        for (let a = isText ? el : el.parentElement; a; a = a.parentElement) {
          if (getComputedStyle(a).overflowX !== 'visible' || a === card) {
            clip = a;
            break;
          }
        }
        const style = getComputedStyle(clip);
        if (style.overflowX === 'auto' || style.overflowX === 'scroll')
          continue;
        const clipBox = clip.getBoundingClientRect();
        // Text for screen readers only ("Opens in a new window") sits in a 1 px box.
        if (clipBox.width <= 1) continue;
        const past = box.right - clipBox.right;
        if (past <= 1) continue;
        if (isText && clip === el && style.textOverflow === 'ellipsis')
          continue;
        const text = (node.textContent ?? '').trim().slice(0, 60);
        cut.push(
          `${el.tagName.toLowerCase()} "${text}" runs ${Math.round(
            past,
          )} px past the ${clip === card ? 'card' : 'box'} that cuts it`,
        );
      }
    }
    return cut;
  });
}

/** Opens a path of the app, signing in as the guest user on the way. */
export async function openAsGuest(page: Page, urlPath: string) {
  await page.goto(urlPath);
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
}

/**
 * Node's HTTP server closes a keep-alive connection idle for 5 s; a request sent on it at
 * that moment ends in ECONNRESET before the backend sees it. Playwright retries exactly
 * that error (and only that one) when asked.
 */
export const KEEP_ALIVE_RACE = { maxRetries: 2 };

/** The guest user's Backstage token, for reading the API as the page does. */
export async function guestToken(request: APIRequestContext): Promise<string> {
  const response = await request.get(
    '/api/auth/guest/refresh',
    KEEP_ALIVE_RACE,
  );
  expect(response.ok()).toBe(true);
  const body = await response.json();
  return body.backstageIdentity.token;
}

/** GET an operability API path as the guest user. */
export async function getApi<T = any>(
  request: APIRequestContext,
  apiPath: string,
): Promise<T> {
  const response = await request.get(`/api/operability${apiPath}`, {
    ...KEEP_ALIVE_RACE,
    headers: { authorization: `Bearer ${await guestToken(request)}` },
  });
  expect(response.status(), `GET ${apiPath}`).toBe(200);
  return response.json();
}

export interface SloSummaryLike {
  id: string;
  name: string;
  displayName?: string;
  status: string;
  budget?: {
    good: number;
    total: number;
    remaining: number;
  };
}

/**
 * Waits until the demo's first collection and evaluation have run for an entity's SLOs
 * (about half a minute after the backend started with app-config.e2e.yaml).
 */
export async function waitForEvaluatedSlos(
  request: APIRequestContext,
  entityPath: string,
): Promise<SloSummaryLike[]> {
  let items: SloSummaryLike[] = [];
  await expect
    .poll(
      async () => {
        // Until the catalog has read the demo's entities (the first test of a run can start
        // before it has), the entity is unknown: 404, and the poll goes on.
        const response = await request.get(
          `/api/operability/entities/${entityPath}/slos`,
          {
            ...KEEP_ALIVE_RACE,
            headers: { authorization: `Bearer ${await guestToken(request)}` },
          },
        );
        if (response.status() === 404) return false;
        expect(response.status(), `GET /entities/${entityPath}/slos`).toBe(200);
        items = (await response.json()).items;
        return items.length > 0 && items.every(s => (s.budget?.total ?? 0) > 0);
      },
      { timeout: 180_000, intervals: [2_000, 5_000] },
    )
    .toBe(true);
  return items;
}

/** A ratio as the card writes it: at most `digits` decimals, no trailing zeros. */
export function percentText(ratio: number, digits: number): string {
  const text = (ratio * 100).toFixed(digits);
  return `${text.includes('.') ? text.replace(/\.?0+$/, '') : text}%`;
}

/** A count as the card writes it (en-US separators). */
export function countText(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
