import { expect, test } from '@playwright/test';
import {
  guestToken,
  KEEP_ALIVE_RACE,
  openAsGuest,
  screenshot,
} from './helpers';

test.setTimeout(300_000);

test('the guest is notified of an exhausted SLO of their team and opens its operability tab', async ({
  page,
  request,
}) => {
  // The demo's Dashboard availability SLO (Data Science, the guest's team) is exhausted:
  // its first evaluation notifies the team's members through the notifications backend.
  await expect
    .poll(
      async () => {
        const response = await request.get('/api/notifications/notifications', {
          ...KEEP_ALIVE_RACE,
          headers: { authorization: `Bearer ${await guestToken(request)}` },
        });
        const body = await response.json();
        return body.notifications?.map(
          (n: { payload: { title: string } }) => n.payload.title,
        );
      },
      { timeout: 240_000, intervals: [5_000] },
    )
    .toContainEqual(
      expect.stringMatching(
        /^Dashboard availability: exhausted \(overspent [\d.]+×\)$/,
      ),
    );

  await openAsGuest(page, '/notifications');
  const link = page.getByRole('link', {
    name: /Dashboard availability: exhausted/,
  });
  await expect(link).toBeVisible();
  // Its topic, by which a user can filter or mute SLO notifications.
  await expect(
    page.locator('tbody').getByText(/^airworthy:slo:[0-9a-f-]+$/),
  ).toBeVisible();
  await screenshot(page, 'notifications');

  await link.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/odh-dashboard\/operability$/,
  );
});
