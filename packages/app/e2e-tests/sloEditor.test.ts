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
