// Contacts end to end in browser mode (`roi start`, demo brokerage, Chromium): a demo agent creates a
// contact, writes a Markdown note, adds a task with a reminder and gets the reminder as a notification
// (browser mode shows the main process's notifications through the Web Notifications API), finds the
// contact with Ctrl+K despite a typo, and imports a CSV with errors: the error report is shown and
// downloadable, and only the valid rows are imported.
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { requireService } from '../support/required-service.ts';
import { startStack, type RunningStack } from '../support/start-stack.ts';

const run = requireService('Chromium', chromiumAvailable(), 'install Debian chromium (apt-get install -y chromium)');

// Records every notification the page raises (the Notification constructor, wrapped before the app loads).
const RECORD_NOTIFICATIONS = `
  window.__notifications = [];
  const Original = window.Notification;
  class Recorded extends Original {
    constructor(title, options) { super(title, options); window.__notifications.push({ title, body: options && options.body }); }
  }
  Object.defineProperty(Recorded, 'permission', { get: () => 'granted' });
  Recorded.requestPermission = async () => 'granted';
  window.Notification = Recorded;
`;

const pad = (n: number) => String(n).padStart(2, '0');
const localInput = (date: Date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;

describe.runIf(run)('contacts in browser mode', () => {
  let stack: RunningStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    stack = await startStack([], 240_000);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, permissions: ['notifications'], acceptDownloads: true });
    await context.addInitScript(RECORD_NOTIFICATIONS);
    page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(stack.appUrl);
    await page.getByLabel('Email').fill('avery@cascade.test');
    await page.getByLabel('Password').fill('demo-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The first sign-in opens the replica and starts syncing: generous on a loaded CI machine.
    await page.getByRole('navigation', { name: 'Main' }).getByText('Contacts', { exact: true }).click({ timeout: 120_000 });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    expect(await stack?.stop()).toBe(0);
  });

  it('creates a contact, adds a note and a task whose reminder arrives as a notification', async () => {
    await page.getByRole('button', { name: 'New contact' }).click();
    const form = page.getByRole('dialog', { name: 'New contact' });
    await form.getByLabel('First name').fill('Rosalind');
    await form.getByLabel('Last name').fill('Featherstone');
    await form.getByLabel('Email').fill('not-an-email');
    await form.getByRole('button', { name: 'Create contact' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toMatch(/valid email/);
    await form.getByLabel('Email').fill('rosalind@featherstone.example');
    await form.getByLabel('Phone').fill('206-555-0142');
    await form.getByRole('button', { name: 'Create contact' }).click();
    await page.getByRole('heading', { name: 'Rosalind Featherstone' }).waitFor();

    // Markdown note: bold renders, typed HTML stays text.
    await page.getByLabel('New note').fill('Wants a **corner lot** <img src=x onerror="window.__pwned=1">');
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = page.getByTestId('note').first();
    await note.locator('strong', { hasText: 'corner lot' }).waitFor();
    expect(await note.textContent()).toContain('<img src=x');
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // Two clicks: the activity kind is one click on the contact page.
    await page.getByRole('button', { name: 'Call', exact: true }).first().click();
    await page.getByText('Call logged.').waitFor();

    await page.getByRole('button', { name: 'Add task' }).click();
    const taskForm = page.getByRole('dialog', { name: 'New task' });
    await taskForm.getByLabel('Title').fill('Send Rosalind the lot comps');
    const now = new Date();
    await taskForm.getByLabel('Due').fill(localInput(new Date(now.getTime() + 86_400_000)));
    await taskForm.getByLabel('Remind me at').fill(localInput(now)); // this minute: due at once
    await taskForm.getByRole('button', { name: 'Add task' }).click();
    await page.getByTestId('task-row').filter({ hasText: 'Send Rosalind the lot comps' }).waitFor();
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/contact-page.png', fullPage: true });

    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as { __notifications: { title: string; body?: string }[] }).__notifications), { timeout: 60_000 })
      .toContainEqual({ title: 'Task: Send Rosalind the lot comps', body: expect.stringMatching(/for Rosalind Featherstone/) });

    // The task is on the Tasks page too.
    await page.getByRole('navigation', { name: 'Main' }).getByText('Tasks', { exact: true }).click();
    await page.getByTestId('task-row').filter({ hasText: 'Send Rosalind the lot comps' }).waitFor();
  }, 180_000);

  it('finds the contact with Ctrl+K despite a typo', async () => {
    await page.keyboard.press('Control+K');
    const search = page.getByRole('combobox', { name: 'Search contacts, properties, alerts and notes' });
    await search.fill('featherstnoe');
    await page.getByTestId('search-hit').filter({ hasText: 'Rosalind Featherstone' }).waitFor();
    await search.press('Enter');
    await page.getByRole('heading', { name: 'Rosalind Featherstone' }).waitFor();
  }, 60_000);

  it('imports a CSV with errors: shows and downloads the error report, imports only the valid rows', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByText('Contacts', { exact: true }).click();
    await page.getByRole('button', { name: 'Import' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import contacts from CSV' });
    const csv = [
      'First Name;Last Name;E-mail;Phone;Client since',
      'Imogen;Quarrington;imogen@quarrington.example;509-555-0187;2018-06-01',
      'Bad;Address;imogen-at-example;509-555-0188;',
      'Bartholomew;Quarrington;bart@quarrington.example;;3/4/2020',
      'Copy;OfImogen;IMOGEN@quarrington.example;;',
      'No;Date;nodate@quarrington.example;;31/31/2020',
      'Rosalind;Again;rosalind@featherstone.example;;',
    ].join('\r\n');
    await dialog.locator('input[type="file"]').setInputFiles({ name: 'old-crm.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}\r\n`) });
    await dialog.getByText(/old-crm\.csv.*6 rows, 5 columns, “;” separated/).waitFor();
    await dialog.getByRole('button', { name: 'Check rows' }).click();
    const report = dialog.getByTestId('import-report');
    await report.getByText(/2 rows can be imported; 4 have problems/).waitFor();
    const reportText = await report.textContent();
    expect(reportText).toContain('"imogen-at-example" is not a valid email address');
    expect(reportText).toContain('duplicate of row 2 (same email)');
    expect(reportText).toMatch(/"31\/31\/2020" is not a date/);
    expect(reportText).toMatch(/rosalind@featherstone\.example is already a contact/);

    const [download] = await Promise.all([page.waitForEvent('download'), report.getByRole('button', { name: 'Download error report (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe('old-crm-errors.csv');
    const reportCsv = readFileSync((await download.path())!, 'utf8');
    expect(reportCsv.split(/\r?\n/).filter(Boolean)).toHaveLength(5); // header + 4 problems

    await dialog.getByRole('button', { name: 'Import 2 valid rows' }).click();
    await dialog.getByText('Imported 2 contacts.', { exact: false }).waitFor({ timeout: 60_000 });
    await dialog.getByRole('button', { name: 'Done' }).click();

    await page.getByLabel('Search contacts').fill('quarrington');
    await expect.poll(() => page.getByTestId('contact-row').allTextContents(), { timeout: 30_000 }).toEqual([
      expect.stringContaining('Bartholomew Quarrington'),
      expect.stringContaining('Imogen Quarrington'),
    ]);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/contacts.png', fullPage: true });
    expect(errors).toEqual([]);
  }, 180_000);
});
