import { expect, test, type Page } from '@playwright/test';
import { getApi, openAsGuest, screenshot } from './helpers';

test.setTimeout(300_000);

/** The entity names in the table, top to bottom. */
async function tableNames(page: Page): Promise<string[]> {
  const rows = page
    .getByRole('table', { name: 'Entities by operability score' })
    .locator('tbody tr');
  return rows.evaluateAll(trs =>
    trs.map(tr => (tr.querySelectorAll('td')[1]?.textContent ?? '').trim()),
  );
}

test('the portfolio sorts and filters on the server', async ({
  page,
  request,
}) => {
  // Scored shortly after start-up (every 30 s with app-config.e2e.yaml).
  await expect
    .poll(async () => (await getApi(request, '/portfolio')).summary.scored, {
      timeout: 180_000,
    })
    .toBe(18);
  const byScore = await getApi(
    request,
    '/portfolio?sort=score&order=asc&limit=100',
  );
  const dataScience = await getApi(
    request,
    '/portfolio?owner=group:default/data-science&limit=100',
  );
  expect(dataScience.totalItems).toBe(4);

  await openAsGuest(page, '/operability');
  const table = page.getByRole('table', {
    name: 'Entities by operability score',
  });
  await expect(table).toBeVisible();
  await expect(page.getByText('Distribution by level')).toBeVisible();
  await screenshot(page, 'portfolio');

  // Sort by score, lowest first: the API's order, page by page.
  const scoreHeader = table.getByRole('button', { name: 'Score' });
  await scoreHeader.click();
  const order = await table
    .getByRole('columnheader', { name: /Score/ })
    .getAttribute('aria-sort');
  if (order !== 'ascending') await scoreHeader.click();
  await expect(
    table.getByRole('columnheader', { name: /Score/ }),
  ).toHaveAttribute('aria-sort', 'ascending');
  const expected = byScore.items.map(
    (i: { title?: string; name: string }) => i.title ?? i.name,
  );
  await expect
    .poll(() => tableNames(page))
    .toEqual(expected.slice(0, (await tableNames(page)).length));
  // Seldon has no SLO: the lowest score.
  expect((await tableNames(page))[0]).toMatch(/seldon/i);

  // Only the data-science group's projects.
  const owner = page.getByLabel('Owner', { exact: true });
  await owner.fill('group:default/data-science');
  await owner.press('Enter');
  await expect
    .poll(async () => (await tableNames(page)).sort())
    .toEqual(
      dataScience.items
        .map((i: { title?: string; name: string }) => i.title ?? i.name)
        .sort(),
    );
  await expect(page).toHaveURL(
    /owner=group%3Adefault%2Fdata-science|owner=group:default\/data-science/,
  );
  await screenshot(page, 'portfolio-data-science');
});
