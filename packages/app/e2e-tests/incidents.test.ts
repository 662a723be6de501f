import { expect, test } from '@playwright/test';
import { getApi, openAsGuest, screenshot } from './helpers';

test.setTimeout(180_000);

test('the incidents card lists the demo incidents and filters them', async ({
  page,
  request,
}) => {
  // Delivered through the webhooks shortly after start-up: wait for the last ones.
  const titles = async (query: string) =>
    (
      await getApi(
        request,
        `/entities/component/default/jupyterhub/incidents?limit=100${query}`,
      )
    ).items.map((i: { title: string }) => i.title);
  await expect
    .poll(async () => (await titles('')).join('\n'), { timeout: 120_000 })
    .toMatch(/Drill: hub probe failing[\s\S]*Planned power outage/);
  const critical = await titles('&severity=critical');
  expect(critical.join('\n')).toContain('Planned power outage');
  expect(critical.join('\n')).not.toContain('Drill');

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
