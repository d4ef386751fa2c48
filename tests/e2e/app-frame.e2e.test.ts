// The foundation end to end: `roi start` (sync server on embedded Postgres with the demo brokerage + the
// app in browser mode), a demo agent signs in through the real UI in Chromium and sees the app frame.
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { requireService } from '../support/required-service.ts';
import { startStack, type RunningStack } from '../support/start-stack.ts';

const run = requireService('Chromium', chromiumAvailable(), 'install Debian chromium (apt-get install -y chromium)');

describe.runIf(run)('app frame in browser mode', () => {
  let stack: RunningStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    const code = await stack?.stop();
    expect(stack.output()).toContain('Stopped.');
    expect(code).toBe(0);
  });

  it('serves the health endpoint with the embedded database kind', async () => {
    const health = (await (await fetch(`${stack.serverUrl}/health`)).json()) as { status: string; database: string };
    expect(health).toMatchObject({ status: 'ok', database: 'pglite' });
  });

  it('refuses a wrong password with a clear message, then signs a demo agent in and shows the frame', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(stack.appUrl);

    await page.getByLabel('Email').fill('avery@cascade.test');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Filled as soon as the form shows, maybe before the app info arrives (the form used to remount then and lose it).
    await expect
      .poll(() => page.getByRole('alert').first().textContent({ timeout: 5_000 }).catch(() => ''), { timeout: 20_000 })
      .toMatch(/password|credentials/i)
      .catch((error: unknown) => {
        throw new Error(`${String(error)}\n--- roi start said:\n${stack.output().slice(-4000)}`);
      });

    await page.getByLabel('Password').fill('demo-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.waitFor({ timeout: 20_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- roi start said:\n${stack.output().slice(-4000)}`);
    });
    for (const item of ['Inbox', 'Contacts', 'Properties', 'Campaigns', 'Tasks', 'Settings']) {
      await expect.poll(() => nav.getByText(item, { exact: true }).count()).toBeGreaterThan(0);
    }
    // Agents do not manage a team.
    expect(await nav.getByText('Team', { exact: true }).count()).toBe(0);
    await expect.poll(() => page.getByText(/Avery/).count()).toBeGreaterThan(0);

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/app-frame.png' });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('remembers the session across a page reload', async () => {
    const page = await browser.newPage();
    await page.goto(stack.appUrl);
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 15_000 });
    await page.close();
  });

  it('refuses a WebSocket from a foreign origin', async () => {
    const { WebSocket } = await import('ws');
    const url = stack.appUrl.replace('http', 'ws') + '/ipc';
    const outcome = await new Promise<string>((resolve) => {
      const ws = new WebSocket(url, { headers: { Origin: 'https://evil.example' } });
      ws.on('open', () => resolve('open'));
      ws.on('error', () => resolve('refused'));
      ws.on('unexpected-response', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
  });
});
