// The property dashboard end to end: `roi start` (demo brokerage, King County market sales), a demo agent
// opens a property in Chromium, sees its estimate and comparable sales, corrects a fact and sees the
// estimate change — valued in the app's main process from the synced replica.
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { requireService } from '../support/required-service.ts';
import { startStack, type RunningStack } from '../support/start-stack.ts';

const run = requireService('Chromium', chromiumAvailable(), 'install Debian chromium (apt-get install -y chromium)');

describe.runIf(run)('property dashboard in browser mode', () => {
  let stack: RunningStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    expect(await stack?.stop()).toBe(0);
  });

  it('opens a property, shows its estimate and comparables, and revalues it after a facts correction', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(stack.appUrl);
    await page.getByLabel('Email').fill('avery@cascade.test');
    await page.getByLabel('Password').fill('demo-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByText('Properties', { exact: true }).click();

    // The list fills as the properties sync down.
    const firstRow = page.getByTestId('property-row').first();
    await firstRow.waitFor({ timeout: 60_000 });
    await firstRow.click();

    // Valued once the market sales have synced too (the page reloads when the estimate is stored).
    const estimate = page.getByTestId('estimate');
    await estimate.waitFor({ timeout: 90_000 });
    const before = await estimate.textContent();
    expect(before).toMatch(/^\$[\d,]+$/);
    await expect.poll(() => page.getByTestId('confidence').textContent()).toMatch(/(High|Medium|Low) confidence · \d+/);
    expect(await page.getByTestId('comps-table').locator('tbody tr').count()).toBeGreaterThanOrEqual(6);
    expect(await page.getByText('Market within 0.5 mile').count()).toBe(1);

    // A bigger house is worth more: correct the living area and see the new estimate at once.
    const sqft = Number((await page.getByTestId('fact-sqftLiving').textContent())!.replace(/,/g, ''));
    await page.getByRole('button', { name: 'Edit facts' }).click();
    const dialog = page.getByRole('dialog', { name: 'Correct the facts' });
    const living = dialog.getByLabel('Living area (sq ft)');
    await living.fill(String(Math.round(sqft * 1.5)));
    await dialog.getByRole('button', { name: 'Save and revalue' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => estimate.textContent()).not.toBe(before);
    const after = Number((await estimate.textContent())!.replace(/[$,]/g, ''));
    expect(after).toBeGreaterThan(Number(before!.replace(/[$,]/g, '')));
    expect(await page.getByText(/after your correction/).count()).toBe(1);
    expect(await page.getByTestId('fact-sqftLiving').textContent()).toBe(Math.round(sqft * 1.5).toLocaleString('en-US'));

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/property-dashboard.png', fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);
});
