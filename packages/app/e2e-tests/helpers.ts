import { expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

/** Screenshots of each page, for people to look at (gitignored). */
export const SCREENSHOT_DIR = path.resolve(
  __dirname,
  '../../../e2e-screenshots',
);

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `${name}.png`),
    fullPage: true,
  });
}

/** Opens a path of the app, signing in as the guest user on the way. */
export async function openAsGuest(page: Page, urlPath: string) {
  await page.goto(urlPath);
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
}
