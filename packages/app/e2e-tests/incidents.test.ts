import { expect, test, type Page } from '@playwright/test';
import {
  getApi,
  openAsGuest,
  screenshot,
  waitForEvaluatedSlos,
} from './helpers';

test.setTimeout(180_000);

/** The incidents card of the entity page shown. */
function incidentsCard(page: Page) {
  return page
    .locator('.MuiCard-root')
    .filter({ has: page.getByRole('table', { name: 'Incidents' }) });
}

test('the incidents card lists the incidents of the period its figures cover, and filters them', async ({
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
  // The first test of a run can start before the catalog has read the demo's entities: the
  // SLOs' poll waits for that (the entity is unknown, 404, until then).
  await waitForEvaluatedSlos(request, 'component/default/jupyterhub');
  await expect
    .poll(async () => (await titles('')).join('\n'), { timeout: 120_000 })
    .toMatch(/Drill: hub probe failing[\s\S]*Planned power outage/);
  const critical = await titles('&severity=critical');
  expect(critical.join('\n')).toContain('Planned power outage');
  expect(critical.join('\n')).not.toContain('Drill');

  // The figures' period (28 days by default) is the list's: the power outage of 61 days ago
  // is in neither.
  const stats = await getApi(
    request,
    '/entities/component/default/jupyterhub/incidents/stats',
  );
  const listed = await getApi(
    request,
    `/entities/component/default/jupyterhub/incidents?limit=100&match=started&from=${stats.from}&to=${stats.to}`,
  );
  expect(listed.totalItems).toBe(stats.count);
  expect(
    listed.items.map((i: { title: string }) => i.title).join('\n'),
  ).not.toContain('Planned power outage');

  // Budget costs come from the SLI data of the first collection (waited for above).
  await openAsGuest(page, '/catalog/default/component/jupyterhub');
  const card = incidentsCard(page);
  const table = card.getByRole('table', { name: 'Incidents' });
  await expect(table).toBeVisible();
  await expect(card).toContainText(
    /Incidents that started in the last 28 days \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\)/,
  );
  await expect(table).toContainText('Drill: hub probe failing');
  await expect(table).not.toContainText('Planned power outage');
  await expect(card.getByRole('group', { name: 'Incidents' })).toContainText(
    String(stats.count),
  );
  await expect(card.getByText('MTTA', { exact: true })).toBeVisible();
  await expect(card.getByText('MTTR', { exact: true })).toBeVisible();
  // Budget costs name SLOs by their display names.
  await expect(table).toContainText('of JupyterHub availability');
  await expect(table).not.toContainText('of jupyterhub-availability');

  // The table fits the card: nothing hides behind a sideways scroll.
  const fits = await table.evaluate(el => {
    const box = el.parentElement!;
    return box.scrollWidth <= box.clientWidth;
  });
  expect(fits).toBe(true);
  const cardBox = (await card.boundingBox())!;
  const costHeader = (await table
    .getByRole('columnheader', { name: 'Budget cost' })
    .boundingBox())!;
  expect(costHeader.x + costHeader.width).toBeLessThanOrEqual(
    cardBox.x + cardBox.width,
  );
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'incidents-card', card);

  // Only critical incidents: the drill (info) disappears, the network outage stays.
  await card.getByRole('button', { name: /Severity/ }).click();
  await page.getByRole('option', { name: 'critical' }).click();
  await page.keyboard.press('Escape');
  await expect(table).not.toContainText('Drill: hub probe failing');
  await expect(table).toContainText('Networking issues on the MOC clusters');
  await screenshot(page, 'incidents-card-critical', card);

  // Dark theme.
  await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-theme-mode', 'dark');
  await expect(incidentsCard(page)).toContainText('Drill: hub probe failing');
  await incidentsCard(page).scrollIntoViewIfNeeded();
  await screenshot(page, 'dark-incidents-card', incidentsCard(page));
});
