'use strict';

/*
 * Figure 7: Chromium (Debian's, driven by Playwright as the browser tests do) against the
 * production build of the app (packages/app/dist) that the backend under test serves. For
 * each page, the time from navigation to what a person came for:
 *
 *   sloCard    an entity page, until the SLO card shows a budget ("… left" or "Exhausted")
 *   chart      the entity's Operability tab, until its first chart has drawn a line
 *   portfolio  the portfolio page, until the first row of its table shows an entity
 *
 * cold: a fresh browser context (empty cache, no service worker, no cookies), signed in as the
 * guest user by the sign-in page's own remembered choice (the localStorage entry it writes
 * after a first sign-in), so that no click sits between navigation and page. The new window
 * is left SETTLE_MS to finish starting before the navigation: Chromium 156 builds its omnibox
 * popup (a WebUI page, chrome://omnibox-popup.top-chrome) in every new window, about 0.5 to
 * 0.9 CPU s that a person, who navigates in a window already open, never waits for, but that
 * on two cores competes with the page. warm: a second navigation to the same page in the same
 * context, its cache filled by the first. newWindow: cold, navigating at once in the new
 * window, the window's own start included (printed beside the others, for comparison).
 *
 * BENCH_WATERFALL=1 prints the requests of each page's first cold load, in ms from navigation.
 */

const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./backend');

/** How long a new window is left to finish starting before a cold navigation. */
const SETTLE_MS = 2000;

const median = values =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The pages measured and what "ready" means on each. */
function targets(entityName) {
  const entity = `/catalog/default/component/${entityName}`;
  return {
    sloCard: {
      path: entity,
      probe: 'sloCard',
      ready: page =>
        page
          .getByText(/\d% left|Exhausted/)
          .first()
          .waitFor({ state: 'visible' }),
    },
    chart: {
      path: `${entity}/operability`,
      probe: 'chart',
      ready: page =>
        page
          .locator('svg.recharts-surface .recharts-line-curve')
          .first()
          .waitFor({ state: 'visible' }),
    },
    portfolio: {
      path: '/operability',
      probe: 'portfolio',
      ready: page =>
        page
          .getByRole('table', { name: 'Entities by operability score' })
          .locator('tbody tr')
          .first()
          .getByRole('link')
          .first()
          .waitFor({ state: 'visible' }),
    },
  };
}

/**
 * Runs in the page before its scripts (an init script): records in `window.__airworthyReady`
 * the `performance.now()` of the first frame painted after what the page's `kind` waits for
 * entered the DOM, that is milliseconds from the navigation's start. Playwright's own wait
 * polls the page at growing intervals (up to 500 ms apart), which had added 0.1 to 0.5 s to
 * these figures; it still bounds the wait, the page's clock gives the time.
 */
function installReadyProbe(kind) {
  const found = {
    sloCard: records =>
      records.some(record =>
        (record.type === 'characterData'
          ? [record.target]
          : [...record.addedNodes]
        ).some(node => /\d% left|Exhausted/.test(node.textContent ?? '')),
      ),
    chart: () =>
      document.querySelector('svg.recharts-surface .recharts-line-curve') !==
      null,
    portfolio: () =>
      document.querySelector(
        'table[aria-label="Entities by operability score"] tbody tr a',
      ) !== null,
  }[kind];
  const observer = new MutationObserver(records => {
    if (!found(records)) return;
    observer.disconnect();
    requestAnimationFrame(() => {
      window.__airworthyReady = performance.now();
    });
  });
  observer.observe(document, {
    childList: true,
    subtree: true,
    characterData: true,
  });
}

/**
 * Measures figure 7 against the backend at `baseUrl`; returns per page the median cold and
 * warm milliseconds (and every run), or `{ skipped }` saying why it could not run.
 */
async function measureBrowser({ baseUrl, entityName, repeat = 3, log }) {
  if (!fs.existsSync(path.join(ROOT, 'packages/app/dist/index.html'))) {
    return {
      skipped:
        'no production build of the app: run `node scripts/run.js yarn workspace app build` (packages/app/dist)',
    };
  }
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    return { skipped: `no Chromium at ${executablePath} (set CHROMIUM_PATH)` };
  }
  const { chromium } = require(require.resolve('@playwright/test', {
    paths: [ROOT],
  }));
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const storageState = {
    cookies: [],
    origins: [
      {
        origin: baseUrl,
        localStorage: [
          { name: '@backstage/core:SignInPage:provider', value: 'guest' },
        ],
      },
    ],
  };
  const result = {};
  try {
    for (const [name, target] of Object.entries(targets(entityName))) {
      const cold = [];
      const warm = [];
      const newWindow = [];
      for (let i = 0; i < repeat; i++) {
        for (const settled of [true, false]) {
          const context = await browser.newContext({
            baseURL: baseUrl,
            storageState,
            viewport: { width: 1440, height: 1000 },
          });
          try {
            await context.addInitScript({
              content: `(${installReadyProbe})(${JSON.stringify(
                target.probe,
              )})`,
            });
            const page = await context.newPage();
            page.setDefaultTimeout(60_000);
            const load = async () => {
              await page.goto(target.path);
              await target.ready(page);
              await page.waitForFunction(
                () => window.__airworthyReady !== undefined,
              );
              return page.evaluate(() => window.__airworthyReady);
            };
            if (!settled) {
              newWindow.push(await load());
              continue;
            }
            await new Promise(resolve => setTimeout(resolve, SETTLE_MS));
            const waterfall =
              process.env.BENCH_WATERFALL && i === 0 ? [] : undefined;
            if (waterfall) {
              const began = new Map();
              page.on('request', r => began.set(r, performance.now()));
              page.on('requestfinished', r =>
                waterfall.push([began.get(r), performance.now(), r.url()]),
              );
            }
            const navigated = performance.now();
            cold.push(await load());
            if (waterfall) {
              log(`waterfall of ${name}, cold (ms from navigation):`);
              for (const [from, to, url] of waterfall.sort(
                (a, b) => a[0] - b[0],
              )) {
                log(
                  `  ${Math.round(from - navigated)}..${Math.round(
                    to - navigated,
                  )} ${url.replace(baseUrl, '')}`,
                );
              }
              page.removeAllListeners('request');
              page.removeAllListeners('requestfinished');
            }
            warm.push(await load());
          } finally {
            await context.close();
          }
        }
      }
      result[name] = {
        cold: median(cold),
        warm: median(warm),
        newWindow: median(newWindow),
        settleMs: SETTLE_MS,
        runs: { cold, warm, newWindow },
      };
      log(
        `browser ${name}: cold ${Math.round(
          result[name].cold,
        )} ms, warm ${Math.round(
          result[name].warm,
        )} ms, cold in a new window ${Math.round(
          result[name].newWindow,
        )} ms (medians of ${repeat})`,
      );
    }
  } finally {
    await browser.close();
  }
  return result;
}

module.exports = { measureBrowser };
