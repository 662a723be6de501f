import { expect, test } from '@playwright/test';
import { openAsGuest, screenshot } from './helpers';

test.setTimeout(180_000);

test('an invalid SLO in the editor shows the engine error at the field', async ({
  page,
}) => {
  await openAsGuest(
    page,
    '/operability/slos/new?entity=component:default/jupyterhub',
  );
  const objective = page.getByLabel('Objective (%)');
  await expect(objective).toBeVisible();
  await expect(objective).not.toHaveAttribute('aria-invalid', 'true');

  await objective.fill('150');
  await expect(objective).toHaveAttribute('aria-invalid', 'true');
  const helperId = `${await objective.getAttribute('id')}-helper-text`;
  const message = page.locator(`[id="${helperId}"]`);
  await expect(message).toHaveText('must be between 0 and 100% (e.g. 99.5)');
  await screenshot(page, 'slo-editor-invalid-form');

  // The YAML view is the same document, with the engine's message at the field path.
  await page.getByRole('tab', { name: 'YAML' }).click();
  const yaml = page.getByLabel('OpenSLO YAML');
  await expect(yaml).toHaveValue(/target: 1\.5/);
  await expect(page.getByText(/objectives\[0\]\.target/)).toBeVisible();
  await screenshot(page, 'slo-editor-invalid-yaml');

  // A valid objective clears the error.
  await page.getByRole('tab', { name: 'Form' }).click();
  await page.getByLabel('Objective (%)').fill('99.5');
  await expect(page.getByLabel('Objective (%)')).not.toHaveAttribute(
    'aria-invalid',
    'true',
  );
});

test('the editor picks the entity of a new SLO from the catalog, by keyboard', async ({
  page,
}) => {
  await openAsGuest(page, '/operability/slos/new');
  const entity = page.getByRole('textbox', { name: 'Entity' });
  await expect(entity).toBeVisible();
  await entity.fill('jupyter');
  const option = page.getByRole('option', { name: /JupyterHub/ });
  await expect(option).toBeVisible();
  // Only what matches: not the first entities by name.
  await expect(page.getByRole('option', { name: /Argo CD/ })).toHaveCount(0);
  // Entities of other kinds (groups, users) are not offered.
  await expect(page.getByRole('option', { name: /group:/ })).toHaveCount(0);
  await screenshot(page, 'slo-editor-entity-picker');

  await entity.press('ArrowDown');
  await entity.press('Enter');
  await expect(page).toHaveURL(/entity=component%3Adefault%2Fjupyterhub/);
  await expect(page.getByLabel('Display name')).toHaveValue(
    'JupyterHub availability',
  );
});

test('a repository SLO opens read-only, naming its file', async ({ page }) => {
  await openAsGuest(page, '/catalog/default/component/jupyterhub');
  await page.getByRole('link', { name: 'View definition' }).first().click();
  await expect(page).toHaveURL(/\/operability\/slos\/[^/]+\/edit/);
  await expect(page.getByText('Read-only: kept in a file')).toBeVisible();
  // The demo reads its SLO files from the server's disk: named, not linked, no local path.
  await expect(page.getByText(/reads from its own disk/)).toBeVisible();
  await expect(page.locator('main')).not.toContainText('file:/');
  await expect(page.getByLabel('Display name')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save' })).toHaveCount(0);
  await expect(page.getByText('kind: SLO').first()).toBeVisible();
  // The preview is the objective as Backstage read it.
  await expect(
    page.getByRole('table', { name: /^Alert thresholds of / }),
  ).toBeVisible();
  await screenshot(page, 'slo-definition-read-only');

  await page.getByRole('button', { name: 'Draft a change' }).click();
  await expect(page.getByText('YAML to commit')).toBeVisible();
  await expect(page.getByLabel('Display name')).toBeVisible();
});

test('the entity picker and a read-only definition read well in the dark theme', async ({
  page,
}) => {
  await page.addInitScript(() => window.localStorage.setItem('theme', 'dark'));
  await openAsGuest(page, '/operability/slos/new');
  await expect(page.locator('body')).toHaveAttribute('data-theme-mode', 'dark');
  await page.getByRole('textbox', { name: 'Entity' }).fill('cluster');
  await expect(
    page.getByRole('option', { name: /osc-cl1 cluster/ }),
  ).toBeVisible();
  await expect(page.getByRole('option', { name: /Argo CD/ })).toHaveCount(0);
  await screenshot(page, 'dark-slo-editor-entity-picker');

  await page.goto('/catalog/default/component/jupyterhub');
  const view = page.getByRole('link', { name: 'View definition' }).first();
  await expect(view).toBeVisible();
  await view.click();
  await expect(page.getByText('Read-only: kept in a file')).toBeVisible();
  await expect(
    page.getByRole('table', { name: /^Alert thresholds of / }),
  ).toBeVisible();
  await screenshot(page, 'dark-slo-definition-read-only');
});
