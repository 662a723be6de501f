import { expect, test } from '@playwright/test';
import { getApi, openAsGuest, screenshot } from './helpers';

test.setTimeout(300_000);

/** A trend as the score card says it: one decimal, a sign, `±0` for no change. */
function trendText(delta: number): string {
  const rounded = Math.round(delta * 10) / 10;
  if (rounded === 0) return '±0';
  return rounded > 0 ? `+${rounded}` : `−${-rounded}`;
}

test('the score card shows trends and a 90-day history from the demo history', async ({
  page,
  request,
}) => {
  // The scoring task fills 90 days of daily snapshots (operability.score.backfillDays) once
  // the first collection holds the demo's history.
  const entity = 'component/default/argocd';
  await expect
    .poll(
      async () =>
        (
          await getApi(request, `/entities/${entity}/score/history?days=90`)
        ).points.length,
      { timeout: 240_000, intervals: [5_000] },
    )
    .toBeGreaterThanOrEqual(90);

  const received = page.waitForResponse(
    response =>
      response.request().method() === 'GET' &&
      response.url().endsWith(`/api/operability/entities/${entity}/score`),
  );
  await openAsGuest(page, '/catalog/default/component/argocd');
  const score: { trends: Array<{ days: number; delta: number | null }> } =
    await (await received).json();
  const [month, quarter] = score.trends;
  expect(month.days).toBe(28);
  expect(month.delta).not.toBeNull();
  expect(quarter.days).toBe(90);
  expect(quarter.delta).not.toBeNull();

  await expect(
    page.getByText(
      `${trendText(month.delta!)} over 28 days · ${trendText(
        quarter.delta!,
      )} over 90 days`,
    ),
  ).toBeVisible();
  await expect(
    page.getByRole('img', {
      name: /^Score over the last 90 days: from \d+(\.\d)? to \d+(\.\d)?$/,
    }),
  ).toBeVisible();
  await screenshot(page, 'entity-page-argocd-score');
});
