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
 * after a first sign-in), so that no click sits between navigation and page; warm: a second
 * navigation to the same page in the same context, its cache filled by the first.
 */

const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./backend');

const median = values =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The pages measured and what "ready" means on each. */
function targets(entityName) {
  const entity = `/catalog/default/component/${entityName}`;
  return {
    sloCard: {
      path: entity,
      ready: page =>
        page
          .getByText(/\d% left|Exhausted/)
          .first()
          .waitFor({ state: 'visible' }),
    },
    chart: {
      path: `${entity}/operability`,
      ready: page =>
        page
          .locator('svg.recharts-surface .recharts-line-curve')
          .first()
          .waitFor({ state: 'visible' }),
    },
    portfolio: {
      path: '/operability',
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
      for (let i = 0; i < repeat; i++) {
        const context = await browser.newContext({
          baseURL: baseUrl,
          storageState,
          viewport: { width: 1440, height: 1000 },
        });
        try {
          const page = await context.newPage();
          page.setDefaultTimeout(60_000);
          for (const list of [cold, warm]) {
            const started = performance.now();
            await page.goto(target.path);
            await target.ready(page);
            list.push(performance.now() - started);
          }
        } finally {
          await context.close();
        }
      }
      result[name] = {
        cold: median(cold),
        warm: median(warm),
        runs: { cold, warm },
      };
      log(
        `browser ${name}: cold ${Math.round(
          result[name].cold,
        )} ms, warm ${Math.round(result[name].warm)} ms (medians of ${repeat})`,
      );
    }
  } finally {
    await browser.close();
  }
  return result;
}

module.exports = { measureBrowser };
