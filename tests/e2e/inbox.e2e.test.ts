// The alert inbox end to end: `roi start` (demo brokerages), a demo agent signed in in Chromium. Alerts are
// created on the sync server (a manager's mutations over HTTP, as routing or scoring would) and sync down
// without a reload: a browser notification announces them, j/k/Enter open one, "e" marks it contacted
// (checked on the server through the shape API), an outcome is logged, a bulk dismiss is undone, a click
// on a notification opens its alert, a foreign alert id shows a clear message, and axe finds no violations.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../sync-server/demo/demo-org.ts';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { requireService } from '../support/required-service.ts';
import { startStack, type RunningStack } from '../support/start-stack.ts';

/** UI updates arrive after a debounced reload; give them time on a busy machine. */
const SOON = { timeout: 10_000 };

const run = requireService('Chromium', chromiumAvailable(), 'install Debian chromium (apt-get install -y chromium)');
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const avery = DEMO_USERS.find((user) => user.email === 'avery@cascade.test')!;

type Device = { token: string; deviceId: string; next: number };

async function signInOverHttp(serverUrl: string, email: string): Promise<Device> {
  const response = await fetch(`${serverUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'demo-password-1', deviceName: 'inbox e2e' }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { accessToken: string; deviceId: string };
  return { token: body.accessToken, deviceId: body.deviceId, next: 1 };
}

/** Writes rows on the server as that device's user would (the mutation API), and checks they applied. */
async function push(serverUrl: string, device: Device, mutations: { table: string; op: 'insert' | 'update'; pk: string; changes: Record<string, unknown> }[]) {
  const now = Date.now();
  const batch = mutations.map((mutation, i) => ({ id: device.next + i, ...mutation, hlc: `${String(now).padStart(15, '0')}:${String(i).padStart(5, '0')}:${device.deviceId}` }));
  device.next += mutations.length;
  const response = await fetch(`${serverUrl}/v1/mutations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${device.token}` },
    body: JSON.stringify({ clientId: device.deviceId, mutations: batch }),
  });
  const body = (await response.json()) as { results: { status: string; reason?: string }[] };
  expect(response.status, JSON.stringify(body)).toBe(200);
  expect(body.results.map((result) => result.reason ?? result.status)).toEqual(batch.map(() => 'applied'));
}

/** An alert row as the server holds it, read through the shape API with the manager's token. */
async function serverAlert(serverUrl: string, device: Device, id: string): Promise<Record<string, unknown> | null> {
  let url = `${serverUrl}/v1/shape?table=alerts&offset=-1`;
  for (let page = 0; page < 50; page++) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${device.token}` } });
    const messages = (await response.json()) as { value?: Record<string, unknown> }[];
    const found = messages.find((message) => message.value?.id === id);
    if (found?.value) return found.value;
    if (response.headers.get('electric-up-to-date') !== null) return null;
    url = `${serverUrl}/v1/shape?table=alerts&handle=${response.headers.get('electric-handle')}&offset=${response.headers.get('electric-offset')}`;
  }
  return null;
}

const alertRow = (id: string, contactId: string, propertyId: string | null, type: string, priority: string, probability: number, reason: string) => ({
  table: 'alerts',
  op: 'insert' as const,
  pk: id,
  changes: {
    contact_id: contactId,
    property_id: propertyId,
    type,
    priority,
    probability,
    status: 'new',
    assigned_agent_id: avery.id,
    reasons: [{ key: 'signal:home_value_checked', text: reason, contribution: 1 }],
  },
});

// Page scripts are plain text: this file is type-checked without the DOM library.
/** Wraps the Web Notifications API so every notification the page shows is recorded and can be clicked, as the OS would. */
const RECORD_NOTIFICATIONS = `
  const Native = window.Notification;
  window.__notifications = [];
  class Recorded extends Native {
    constructor(title, options) {
      super(title, options);
      window.__notifications.push(this);
    }
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Native.permission });
  window.Notification = Recorded;
`;

/** Notifications the page created. */
const shownNotifications = (page: Page) =>
  page.evaluate('window.__notifications.map(({ title, body }) => ({ title, body }))') as Promise<{ title: string; body: string }[]>;

const clickNotification = (page: Page, index: number) => page.evaluate(`window.__notifications[${index}].onclick(new Event('click'))`);

/** axe over the inbox page and its toasts (the app frame around it is app-frame.e2e's concern). */
const AXE_RUN = `axe.run({ include: [['#main-content'], ['.mantine-Notifications-root']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
  .then((result) => result.violations.map((v) => v.id + ': ' + v.nodes.slice(0, 3).map((node) => node.html.slice(0, 160)).join(' | ')))`;

describe.runIf(run)('alert inbox in browser mode', () => {
  let stack: RunningStack;
  let browser: Browser;

  beforeAll(async () => {
    // The first start builds the UI: slow on a busy 2-core machine.
    [stack, browser] = await Promise.all([startStack([], 200_000), launchChromium()]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    const code = await stack?.stop();
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/inbox-stack.log', stack?.output() ?? '');
    expect(code).toBe(0);
  });

  it('triages alerts by keyboard, logs an outcome, undoes a bulk dismiss and opens an alert from a notification', async () => {
    const manager = await signInOverHttp(stack.serverUrl, 'morgan@cascade.test');
    const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
    await context.grantPermissions(['notifications'], { origin: stack.appUrl });
    // Records every notification the page shows and lets the test click it, as the OS would.
    await context.addInitScript(RECORD_NOTIFICATIONS);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(stack.appUrl);
    await page.getByLabel('Email').fill(avery.email);
    await page.getByLabel('Password').fill('demo-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: 30_000 });

    // Announce every priority: this device's own scoring may re-rank the alerts made below (it rescored
    // their contact), and the notification is what this test is after.
    await page.getByRole('navigation', { name: 'Main' }).getByText('Settings', { exact: true }).click();
    await page.getByLabel('Notify me of', { exact: true }).first().click();
    await page.getByRole('option', { name: 'Every alert (LOW and above)' }).click();
    await expect.poll(() => page.getByLabel('Notify me of', { exact: true }).first().inputValue(), SOON).toBe('Every alert (LOW and above)');
    await page.getByRole('navigation', { name: 'Main' }).getByText('Inbox', { exact: true }).click();

    // Three alerts for Avery appear on the server (a contact of theirs with a home), and sync down.
    const contactId = randomUUID();
    const propertyId = randomUUID();
    const [critical, high, high2, later] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await push(stack.serverUrl, manager, [
      { table: 'contacts', op: 'insert', pk: contactId, changes: { first_name: 'Quinn', last_name: 'Zephyrine', email: 'quinn@example.com', phone: '+1 206 555 0199', stage: 'past_client', tags: ['e2e'], assigned_agent_id: avery.id } },
      { table: 'properties', op: 'insert', pk: propertyId, changes: { contact_id: contactId, address: '77 Zephyr Lane, Seattle, WA 98103', bedrooms: 3 } },
      alertRow(critical, contactId, propertyId, 'sell', 'CRITICAL', 0.93, '5 home-value checks in the last 7 days'),
      alertRow(high, contactId, propertyId, 'refinance', 'HIGH', 0.74, 'Used the refinance calculator twice'),
      alertRow(high2, contactId, null, 'buy', 'HIGH', 0.71, 'Home searches in other areas'),
    ]);

    await page.getByLabel('Search alerts').fill('zephyrine');
    const rows = page.getByTestId('alert-row');
    await expect.poll(() => rows.count(), { timeout: 45_000 }).toBe(3);
    // One notification for the three together (batched), naming the contact; none for each alone.
    const quinnBatch = (shown: { title: string; body: string }[]) => shown.filter((n) => /^\d+ new/.test(n.title) && n.body.includes('Quinn Zephyrine'));
    await expect.poll(async () => quinnBatch(await shownNotifications(page)).length, { timeout: 15_000 }).toBe(1);
    expect(Number(/^(\d+)/.exec(quinnBatch(await shownNotifications(page))[0]!.title)![1])).toBeGreaterThanOrEqual(3);
    expect((await shownNotifications(page)).filter((n) => n.title.includes(': Quinn Zephyrine'))).toEqual([]);

    // j/k move a roving focus over the rows, Enter opens the focused alert.
    const activeHref = () => page.evaluate('document.activeElement?.getAttribute("href") ?? null') as Promise<string | null>;
    const rowHrefs = () => page.evaluate('[...document.querySelectorAll("a[data-testid=alert-row]")].map((a) => a.getAttribute("href"))') as Promise<string[]>;
    await page.evaluate('document.activeElement?.blur()');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect.poll(activeHref, SOON).toBe((await rowHrefs())[2]);
    await page.keyboard.press('k');
    await expect.poll(activeHref, SOON).toBe((await rowHrefs())[1]);
    await page.keyboard.press('k');
    const opening = await activeHref();
    expect(opening).toBe((await rowHrefs())[0]);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url(), SOON).toContain(opening!);
    const opened = opening!.split('/').at(-1)!;
    expect([critical, high, high2]).toContain(opened);
    const detail = page.getByTestId('alert-detail');
    await detail.waitFor();
    await expect.poll(() => page.getByTestId('alert-status').textContent(), SOON).toBe('Viewed');
    expect(await detail.getByRole('link', { name: /Call \+1 206 555 0199/ }).getAttribute('href')).toBe('tel:+12065550199');
    expect(await detail.getByRole('link', { name: /Email quinn@example.com/ }).getAttribute('href')).toBe('mailto:quinn@example.com');
    expect(await page.getByTestId('alert-reasons').locator('li').count()).toBeGreaterThan(0);

    // "e" marks it contacted; the change reaches the server.
    await page.keyboard.press('e');
    await expect.poll(() => page.getByTestId('alert-status').textContent(), SOON).toBe('Contacted');
    await expect.poll(async () => (await serverAlert(stack.serverUrl, manager, opened))?.status, { timeout: 20_000 }).toBe('contacted');
    expect((await serverAlert(stack.serverUrl, manager, opened))?.first_contacted_at).toEqual(expect.any(String));

    // Log an outcome.
    await detail.getByLabel('What happened', { exact: true }).first().click();
    await page.getByRole('option', { name: 'Appointment set' }).click();
    await detail.getByLabel('Note (optional)').fill('Valuation visit on Thursday');
    await detail.getByRole('button', { name: 'Log outcome' }).click();
    await expect.poll(() => page.getByTestId('alert-history').textContent(), SOON).toMatch(/Appointment set \((sell|refinance|buy) alert\)/);
    expect(await page.getByTestId('alert-history').textContent()).toContain('Valuation visit on Thursday');

    // Bulk: select the two others with x, dismiss them, undo.
    await rows.nth(1).focus();
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await expect.poll(() => page.getByTestId('bulk-bar').textContent(), SOON).toContain('2 selected');
    await page.getByTestId('bulk-bar').getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => rows.count(), SOON).toBe(1);
    await page.getByRole('button', { name: 'Undo' }).last().click();
    await expect.poll(() => rows.count(), SOON).toBe(3);

    // A later alert alone: its notification names it, and clicking it opens that alert.
    await push(stack.serverUrl, manager, [alertRow(later, contactId, propertyId, 'investment', 'HIGH', 0.77, 'Looked at rental comparables 4 times')]);
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(4);
    const laterIndex = async () => (await shownNotifications(page)).findIndex((n) => / investment alert: Quinn Zephyrine$/.test(n.title));
    await expect.poll(laterIndex, { timeout: 30_000 }).toBeGreaterThanOrEqual(0);
    expect((await shownNotifications(page))[await laterIndex()]!.body).toContain('77 Zephyr Lane, Seattle, WA 98103');
    await clickNotification(page, await laterIndex());
    await expect.poll(() => page.url(), SOON).toContain(`#/inbox/${later}`);
    await expect.poll(() => page.getByTestId('alert-detail').textContent(), SOON).toMatch(/Investment · \d+% likely/);
    // The server knows this device announced it: another device of Avery's stays quiet.
    await expect.poll(async () => (await serverAlert(stack.serverUrl, manager, later))?.notified_at, { timeout: 20_000 }).toEqual(expect.any(String));

    // Accessibility of the inbox with an alert open.
    // Evaluated through the debugging protocol: the app's CSP (rightly) refuses injected script tags.
    await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
    expect(await page.evaluate(AXE_RUN)).toEqual([]);

    // An alert of another brokerage: a link to it says it is not here.
    const summit = await signInOverHttp(stack.serverUrl, 'sydney@summit.test');
    const [foreignContact, foreignAlert] = [randomUUID(), randomUUID()];
    await push(stack.serverUrl, summit, [
      { table: 'contacts', op: 'insert', pk: foreignContact, changes: { first_name: 'Far', last_name: 'Away' } },
      { table: 'alerts', op: 'insert', pk: foreignAlert, changes: { contact_id: foreignContact, type: 'sell', priority: 'CRITICAL', probability: 0.9 } },
    ]);
    await page.goto(`${stack.appUrl}/#/inbox/${foreignAlert}`);
    await expect.poll(() => page.getByTestId('alert-open-error').textContent(), { timeout: 15_000 }).toContain('not on this device');

    mkdirSync('test-results', { recursive: true });
    await page.goto(`${stack.appUrl}/#/inbox/${opened}`);
    await page.getByTestId('alert-detail').waitFor();
    await page.screenshot({ path: 'test-results/inbox.png' });
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
