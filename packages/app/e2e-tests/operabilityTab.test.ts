import { expect, test } from '@playwright/test';
import { openAsGuest, screenshot, waitForEvaluatedSlos } from './helpers';

test.setTimeout(300_000);

test('the operability tab charts budget and burn rate with the incidents of the range', async ({
  page,
  request,
}) => {
  await waitForEvaluatedSlos(request, 'component/default/jupyterhub');
  await openAsGuest(page, '/catalog/default/component/jupyterhub/operability');

  const slo = page.getByRole('region', { name: 'JupyterHub availability' });
  await expect(slo).toBeVisible();
  await expect(slo.getByText('Error budget remaining')).toBeVisible();
  // Two recharts charts (budget, burn rate), each with a drawn line.
  await expect(slo.locator('svg.recharts-surface')).toHaveCount(2);
  await expect(slo.locator('.recharts-line-curve').first()).toBeVisible();
  const incidents = slo.getByRole('table', {
    name: 'Incidents and the budget of JupyterHub availability',
  });

  // The planned power outage was 61 days ago: only the 90-day range shows it.
  await page.getByRole('button', { name: 'Last 28d' }).click();
  await expect(slo).not.toContainText('Planned power outage');
  await page.getByRole('button', { name: 'Last 90d' }).click();
  await expect(incidents).toContainText('Planned power outage');
  // Shaded in the charts as well.
  await expect(slo.locator('.recharts-reference-area').first()).toBeVisible();
  await screenshot(page, 'operability-tab-jupyterhub-90d');
});
