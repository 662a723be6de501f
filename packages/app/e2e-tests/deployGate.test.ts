import { expect, test, type Page } from '@playwright/test';
import {
  guestToken,
  KEEP_ALIVE_RACE,
  openAsGuest,
  screenshot,
  waitForEvaluatedSlos,
} from './helpers';

test.setTimeout(180_000);

/** The Deploy gate card of the entity page shown. */
function gateCard(page: Page) {
  return page
    .locator('.MuiCard-root')
    .filter({ has: page.getByText('Deploy gate', { exact: true }) });
}

/** Waits until the open dialog has faded in, so that its screenshot is not half transparent. */
async function dialogShown(page: Page) {
  await expect(page.locator('.MuiDialog-container')).toHaveCSS('opacity', '1');
  return page.getByRole('dialog');
}

/** `2026-12-08`: the UTC day `days` from now. */
const dayFromNow = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

test('the deploy gate card grants an exception after checking its fields, and revokes it', async ({
  page,
  request,
}) => {
  await waitForEvaluatedSlos(request, 'component/default/jupyterhub');
  // The guest is a maintainer of Data Science, which owns JupyterHub: it may grant exceptions.
  await openAsGuest(page, '/catalog/default/component/jupyterhub');
  const card = gateCard(page);
  await expect(card).toContainText('SLOs and their phase');
  const grant = card.getByRole('button', { name: 'Grant exception' });
  await expect(grant).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'deploy-gate-card', card);

  // Keyboard: the button opens the dialog, whose first field takes the focus from Tab.
  await grant.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(
    'Grant an exception to the error-budget policy',
  );
  const day = dialog.getByLabel(/Last day/);
  await day.fill(dayFromNow(40));
  await expect(dialog).toContainText('At most 30 days from now');
  await dialog.getByRole('button', { name: 'Grant exception' }).click();
  await expect(dialog).toContainText(
    'Say why releases must go on, e.g. a security fix',
  );
  await dialogShown(page);
  await screenshot(page, 'deploy-gate-exception-dialog-invalid', dialog);

  await day.fill(dayFromNow(3));
  await dialog.getByLabel(/Reason/).fill('Security fix for CVE-2026-1234');
  await dialog.getByRole('button', { name: 'Grant exception' }).click();
  await expect(dialog).toBeHidden();
  await expect(card).toContainText(
    'granted by user:default/guest: Security fix for CVE-2026-1234',
  );
  await screenshot(page, 'deploy-gate-card-exception', card);

  // Dark theme: the card and the dialog.
  await page.evaluate(() => window.localStorage.setItem('theme', 'dark'));
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-theme-mode', 'dark');
  await expect(gateCard(page)).toContainText('Security fix for CVE-2026-1234');
  await gateCard(page).scrollIntoViewIfNeeded();
  await screenshot(page, 'dark-deploy-gate-card', gateCard(page));
  await gateCard(page).getByRole('button', { name: 'Grant exception' }).click();
  await screenshot(
    page,
    'dark-deploy-gate-exception-dialog',
    await dialogShown(page),
  );
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();

  // Revoke, after confirming.
  await gateCard(page).getByRole('button', { name: 'Revoke' }).click();
  const confirm = page.getByRole('dialog');
  await expect(confirm).toContainText('Revoke the exception?');
  await dialogShown(page);
  await screenshot(page, 'dark-deploy-gate-revoke-dialog', confirm);
  await confirm.getByRole('button', { name: 'Revoke exception' }).click();
  await expect(confirm).toBeHidden();
  await expect(gateCard(page)).not.toContainText(
    'Security fix for CVE-2026-1234',
  );
  await page.evaluate(() => window.localStorage.removeItem('theme'));
});

/** An SLO created in Backstage (not from a file), informing: its phase can change in the UI. */
const API_SLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: e2e-pipeline-runs
  displayName: Pipeline runs (created in Backstage)
spec:
  service: kfp-tekton
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  indicator:
    metadata:
      name: runs
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(kfp_runs_succeeded_total)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(kfp_runs_total)
  objectives:
    - target: 0.95
`;

test('the deploy gate card sets the phase of an SLO created in Backstage, after confirming', async ({
  page,
  request,
}) => {
  await waitForEvaluatedSlos(request, 'component/default/jupyterhub');
  const headers = { authorization: `Bearer ${await guestToken(request)}` };
  const created = await request.post(
    '/api/operability/entities/component/default/kfp-tekton/slos',
    {
      ...KEEP_ALIVE_RACE,
      headers: { ...headers, 'content-type': 'application/yaml' },
      data: API_SLO,
    },
  );
  expect(created.status()).toBe(201);
  const sloId = (await created.json()).items[0].id;
  try {
    await openAsGuest(page, '/catalog/default/component/kfp-tekton');
    const card = gateCard(page);
    const make = card.getByRole('button', {
      name: 'Make Pipeline runs (created in Backstage) enforcing',
    });
    await expect(make).toBeVisible();
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'deploy-gate-card-phases', card);
    await make.click();
    const confirm = page.getByRole('dialog');
    await expect(confirm).toContainText(
      'The error-budget policy then applies to it',
    );
    await dialogShown(page);
    await screenshot(page, 'deploy-gate-phase-dialog', confirm);
    await confirm.getByRole('button', { name: 'Make enforcing' }).click();
    await expect(confirm).toBeHidden();
    await expect(
      card.getByRole('button', {
        name: 'Make Pipeline runs (created in Backstage) informing',
      }),
    ).toBeVisible();
    await expect(card).toContainText(
      /Pipeline runs \(created in Backstage\)\s*enforcing/,
    );
  } finally {
    await request.delete(`/api/operability/slos/${sloId}`, {
      ...KEEP_ALIVE_RACE,
      headers,
    });
  }
});
