import { expect, test } from '@playwright/test';
import { openAsGuest, screenshot, waitForEvaluatedSlos } from './helpers';

test.setTimeout(300_000);

test('the SLO list shows every SLO worst first and leads to the charts', async ({
  page,
  request,
}) => {
  await waitForEvaluatedSlos(request, 'component/default/jupyterhub');
  await openAsGuest(page, '/operability/slos');
  const table = page.getByRole('table', { name: 'Service level objectives' });
  await expect(table).toBeVisible();
  const rows = table.locator('tbody tr');
  await expect.poll(() => rows.count()).toBeGreaterThan(5);
  await expect(page.getByText(/\d+ SLOs · /)).toBeVisible();
  await screenshot(page, 'slo-list');

  // Only JupyterHub's SLOs, found by the search.
  await page
    .getByRole('textbox', { name: 'Search SLOs and entities' })
    .fill('jupyterhub');
  await expect(page).toHaveURL(/q=jupyterhub/);
  await expect(rows.first()).toContainText('JupyterHub');
  await rows
    .first()
    .getByRole('link', { name: /^Charts of / })
    .click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/jupyterhub\/operability/,
  );
  await expect(page.getByText('Error budget remaining').first()).toBeVisible();
});

test('the pages read well in the dark theme', async ({ page, request }) => {
  await waitForEvaluatedSlos(request, 'component/default/jupyterhub');
  await page.addInitScript(() => window.localStorage.setItem('theme', 'dark'));
  await openAsGuest(page, '/operability/slos');
  await expect(
    page.getByRole('table', { name: 'Service level objectives' }),
  ).toBeVisible();
  await expect(page.locator('body')).toHaveAttribute('data-theme-mode', 'dark');
  await screenshot(page, 'dark-slo-list');
  for (const [path, name, ready] of [
    [
      '/catalog/default/component/jupyterhub',
      'dark-entity-page',
      'Service level objectives',
    ],
    [
      '/catalog/default/component/jupyterhub/operability',
      'dark-operability-tab',
      'Error budget remaining',
    ],
    ['/operability', 'dark-portfolio', 'Distribution by level'],
    [
      '/operability/slos/new?entity=component:default/jupyterhub',
      'dark-slo-editor',
      'Preview',
    ],
  ]) {
    await page.goto(path);
    await expect(page.getByText(ready).first()).toBeVisible();
    // Charts and cards settle.
    await page.waitForTimeout(1500);
    await screenshot(page, name);
  }
});
