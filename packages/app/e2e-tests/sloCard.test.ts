import { expect, test } from '@playwright/test';
import {
  countText,
  openAsGuest,
  percentText,
  screenshot,
  waitForEvaluatedSlos,
  type SloSummaryLike,
} from './helpers';

test.setTimeout(300_000);

test('the SLO card shows the numbers the API serves', async ({
  page,
  request,
}) => {
  await waitForEvaluatedSlos(request, 'component/default/jupyterhub');

  // The numbers the page itself received: evaluation runs every 20 s, so a second read of the
  // API could already differ.
  const received = page.waitForResponse(
    response =>
      response.request().method() === 'GET' &&
      response
        .url()
        .endsWith(
          '/api/operability/entities/component/default/jupyterhub/slos',
        ),
  );
  await openAsGuest(page, '/catalog/default/component/jupyterhub');
  const body: { items: SloSummaryLike[] } = await (await received).json();
  const slo = body.items.find(s => s.name === 'jupyterhub-availability')!;
  expect(slo.budget!.total).toBeGreaterThan(0);

  const section = page.getByRole('region', { name: slo.displayName! });
  await expect(section).toBeVisible();
  await expect(section).toContainText('98% over 28d');
  await expect(section).toContainText(
    slo.budget!.remaining > 0
      ? `${percentText(slo.budget!.remaining, 1)} left`
      : 'Exhausted',
  );
  // The multiwindow rows in burn rates: the 1h/5m page fires above 13.44×, an error ratio
  // of 13.44 x (1 - 0.98) = 26.88% (the secondary detail).
  const pageRow = section.getByRole('row', { name: /^page 1h and 5m/ });
  await expect(pageRow).toContainText('13.44×');
  await expect(pageRow).toContainText('26.88% errors');
  await expect(section.getByRole('row', { name: /^ticket/ })).toHaveCount(2);

  await section.getByText('How this was computed').click();
  const computed = section.getByRole('table', {
    name: 'How the budget was computed',
  });
  await expect(computed).toContainText(
    `${countText(slo.budget!.good)} of ${countText(slo.budget!.total)}`,
  );
  await screenshot(page, 'entity-page-jupyterhub');
});

test('a Component without SLOs shows the annotation to add', async ({
  page,
}) => {
  await openAsGuest(page, '/catalog/default/component/seldon');
  await expect(page.getByText('No SLOs for this component yet')).toBeVisible();
  await expect(
    page.locator('code', { hasText: 'airworthy.dev/slo-files: slos.yaml' }),
  ).toBeVisible();
  // Next steps follow what is missing: define an SLO, never "budget is running out".
  const score = page.getByText('Next steps').locator('..');
  await expect(score).toContainText('Has an SLO');
  await expect(score).not.toContainText('running out');
  await expect(score).not.toContainText('queries return data');
  await screenshot(page, 'component-without-slos');
});
