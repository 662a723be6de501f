import { expect, test } from '@playwright/test';
import { openAsGuest, screenshot } from './helpers';

test('a Component without SLOs shows the annotation to add', async ({
  page,
}) => {
  await openAsGuest(page, '/catalog/default/component/seldon');

  const card = page.getByText('Service level objectives');
  await expect(card).toBeVisible();
  await expect(page.getByText('No SLOs for this component yet')).toBeVisible();
  await expect(
    page.locator('code', { hasText: 'airworthy.dev/slo-files: slos.yaml' }),
  ).toBeVisible();
  await screenshot(page, 'component-without-slos');
});
