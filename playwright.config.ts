import { defineConfig } from '@playwright/test';

/*
 * Browser end-to-end tests: Debian's Chromium driven by Playwright (no browser download).
 * `npm run test:e2e` builds the app bundle, then Playwright starts the backend, which serves
 * the built app and the API on one port, and runs packages/app/e2e-tests.
 */

const port = Number(process.env.E2E_PORT ?? 7007);
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],
  outputDir: 'node_modules/.cache/e2e-test-results',
  use: {
    baseURL,
    browserName: 'chromium',
    viewport: { width: 1440, height: 1000 },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `node scripts/run.js yarn workspace backend start --config ../../app-config.yaml --config ../../app-config.e2e.yaml`,
    url: `${baseURL}/api/operability/health`,
    env: {
      AIRWORTHY_SKIP_INSTALL: '1',
      // As deployed: production mode (no stack traces in any answer).
      NODE_ENV: 'production',
      APP_CONFIG_backend_listen_port: String(port),
      APP_CONFIG_backend_baseUrl: baseURL,
      APP_CONFIG_app_baseUrl: baseURL,
      APP_CONFIG_backend_cors_origin: baseURL,
    },
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
