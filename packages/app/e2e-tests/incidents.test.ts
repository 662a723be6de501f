import { expect, test } from '@playwright/test';
import { getApi, openAsGuest, screenshot } from './helpers';

test.setTimeout(180_000);

test('the incidents card lists the demo incidents and filters them', async ({
  page,
  request,
}) => {
  // Delivered through the webhooks shortly after start-up.
  let total = 0;
  await expect
    .poll(
      async () => {
        total = (
          await getApi(
            request,
            '/entities/component/default/jupyterhub/incidents?limit=100',
          )
        ).totalItems;
        return total;
      },
      { timeout: 120_000 },
    )
    .toBeGreaterThan(0);
  const critical = await getApi(
    request,
    '/entities/component/default/jupyterhub/incidents?severity=critical&limit=100',
  );
  expect(critical.totalItems).toBeGreaterThan(0);
  expect(critical.totalItems).toBeLessThan(total);

  await openAsGuest(page, '/catalog/default/component/jupyterhub');
  const table = page.getByRole('table', { name: 'Incidents' });
  await expect(table).toBeVisible();
  await expect(table).toContainText('Drill: hub probe failing');
  await expect(page.getByText('MTTA', { exact: true })).toBeVisible();
  await expect(page.getByText('MTTR', { exact: true })).toBeVisible();

  // Only critical incidents: the drill (info) disappears.
  await page.getByRole('button', { name: /Severity/ }).click();
  await page.getByRole('option', { name: 'critical' }).click();
  await page.keyboard.press('Escape');
  await expect(table).not.toContainText('Drill: hub probe failing');
  await expect(table).toContainText('Planned power outage');
  await screenshot(page, 'incidents-card-critical');
});
