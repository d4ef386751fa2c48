// Campaigns end to end in browser mode: `roi start` (demo brokerage), a demo agent sets up their mail
// account (a real SMTP server on loopback), builds a segment, writes a template, previews it, sends it
// now and sees it sent and counted — and the SMTP server received exactly one message per recipient.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackSmtp, type LoopbackSmtp } from '../../electron/campaigns/sending/testing/loopback-smtp.ts';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { requireService } from '../support/required-service.ts';
import { startStack, type RunningStack } from '../support/start-stack.ts';

const run = requireService('Chromium', chromiumAvailable(), 'install Debian chromium (apt-get install -y chromium)');

describe.runIf(run)('campaigns in browser mode', () => {
  let stack: RunningStack;
  let browser: Browser;
  let smtp: LoopbackSmtp;

  beforeAll(async () => {
    smtp = await startLoopbackSmtp();
    stack = await startStack();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await smtp?.close();
    expect(await stack?.stop()).toBe(0);
  });

  it('sets up SMTP, builds a segment, previews, sends now and shows the results', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    mkdirSync('test-results', { recursive: true });
    try {
      await steps(page, errors);
    } catch (error) {
      await page.screenshot({ path: 'test-results/campaigns-failure.png', fullPage: true });
      throw error;
    }
    await page.close();
  }, 300_000);

  // Runs after the test above (its mail account is set up): the trigger and A/B options, by keyboard and mouse.
  it('switches on an alert trigger, then schedules an A/B subject test, and shows both', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      // The app (main process) keeps the session of the test above: signed in already, unless that one failed early.
      await page.goto(stack.appUrl);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.or(page.getByLabel('Email')).first().waitFor({ timeout: 30_000 });
      if (!(await nav.isVisible())) {
        await page.getByLabel('Email').fill('avery@cascade.test');
        await page.getByLabel('Password').fill('demo-password-1');
        await page.getByRole('button', { name: 'Sign in' }).click();
      }
      await nav.getByText('Campaigns', { exact: true }).click();
      await page.getByRole('button', { name: 'New campaign' }).first().click();
      await page.getByLabel('Campaign name').fill('Thinking of selling');
      await page.getByRole('button', { name: 'Add rule' }).click();
      await page.getByRole('textbox', { name: 'Rule 1', exact: true }).or(page.getByRole('combobox', { name: 'Rule 1', exact: true })).first().click();
      await page.getByRole('option', { name: 'Assigned to me' }).click();
      await page.getByRole('button', { name: 'Create campaign' }).click();

      const summary = page.getByTestId('schedule-summary');
      await page.getByText('When an alert is raised', { exact: true }).click();
      await page.getByLabel('Alert', { exact: true }).selectOption({ label: 'Likely to sell' });
      await page.getByLabel('Minimum priority').selectOption({ label: 'High or higher' });
      await page.getByLabel('Delay (hours)').fill('900');
      await page.getByRole('button', { name: 'Switch on trigger…' }).click();
      await page.getByText('Give a delay from 0 to 720 hours').waitFor();
      await page.getByLabel('Delay (hours)').fill('48');
      await page.getByRole('button', { name: 'Switch on trigger…' }).click();
      await page.getByRole('button', { name: 'Yes, switch on' }).click();
      await expect.poll(() => summary.textContent(), { timeout: 20_000 }).toBe('On a “Likely to sell” alert (high or higher), after 48 hours · scheduled');
      await expect.poll(() => page.getByTestId('trigger-status').textContent(), { timeout: 20_000 }).toMatch(/^0 emails sent for alerts so far/);

      await page.getByRole('button', { name: 'Unschedule' }).click();
      await expect.poll(() => summary.textContent(), { timeout: 20_000 }).toBe('Not scheduled · draft');
      await page.getByText('At a time', { exact: true }).click();
      await page.getByLabel('A/B test the subject').check();
      await page.getByLabel('Subject B').fill('What your home is worth now');
      await page.getByLabel('Sample (% of audience)').fill('20');
      await page.getByLabel('Pick the winner after (hours)').fill('6');
      await page.getByRole('button', { name: 'Schedule…' }).click();
      await page.getByTestId('confirm-send').click();
      await expect.poll(() => summary.textContent(), { timeout: 20_000 }).toMatch(/^Once, .+ · A\/B subject test · scheduled$/);
      await expect.poll(() => page.getByTestId('ab-test-status').textContent(), { timeout: 20_000 }).toContain('A/B subject test: Not started');
      expect(errors).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: 'test-results/campaigns-triggers-failure.png', fullPage: true });
      throw error;
    }
    await page.close();
  }, 180_000);

  async function steps(page: Page, errors: string[]) {
    await page.goto(stack.appUrl);
    await page.getByLabel('Email').fill('avery@cascade.test');
    await page.getByLabel('Password').fill('demo-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Main' });

    // The mail account: checked against the server before it is saved.
    await nav.getByText('Settings', { exact: true }).click();
    const smtpSection = page.getByRole('region', { name: 'Email sending' });
    await smtpSection.getByLabel('Mail server').fill('127.0.0.1');
    await smtpSection.getByLabel('Port').fill(String(smtp.port));
    await smtpSection.getByText('None (this computer only)').click();
    await smtpSection.getByLabel('Sender address').fill('avery@cascade.test');
    await smtpSection.getByLabel('Messages per second').fill('500');
    await smtpSection.getByRole('button', { name: 'Check and save' }).click();
    await smtpSection.getByText('The mail server accepted these settings').waitFor({ timeout: 20_000 });

    // A campaign to the agent's own past clients in one zip code.
    await nav.getByText('Campaigns', { exact: true }).click();
    await page.getByRole('button', { name: 'New campaign' }).first().click();
    await page.getByLabel('Campaign name').fill('Spring values');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('textbox', { name: 'Rule 2', exact: true }).or(page.getByRole('combobox', { name: 'Rule 2', exact: true })).first().click();
    await page.getByRole('option', { name: 'Assigned to me' }).click();
    const count = page.getByTestId('segment-count');
    await expect.poll(async () => Number(((await count.textContent()) ?? '0').replace(/\D/g, '')), { timeout: 60_000 }).toBeGreaterThan(0);
    const recipients = Number((await count.textContent())!.replace(/\D/g, ''));

    // The preview personalises for the first recipient; the typed HTML stays text.
    const subject = page.getByLabel('Subject');
    await subject.fill('Hi {{first_name|there}}, your home this {{season}}');
    await expect.poll(() => page.getByTestId('preview-subject').textContent(), { timeout: 20_000 }).toMatch(/^Subject: Hi \S+, your home this (winter|spring|summer|autumn)$/);
    await page.getByLabel('Subject').fill('Hi {{frist_name}}');
    await page.getByText('Unknown merge tag {{frist_name}} in the subject').waitFor();
    await subject.fill('Hi {{first_name|there}}, your home this {{season}}');

    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('button', { name: 'Send now…' }).click();
    await page.getByTestId('confirm-send').click();

    await expect.poll(() => page.getByTestId('run-progress').textContent(), { timeout: 120_000, interval: 500 }).toMatch(/^Finished: \d+ sent/);
    const finished = (await page.getByTestId('run-progress').textContent())!;
    const sent = Number(/Finished: (\d+) sent/.exec(finished)![1]);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(recipients);
    // Exactly one message per recipient reached the mail server.
    const addresses = smtp.messages.map((m) => m.to[0]!);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses.length).toBe(sent);
    expect(smtp.messages[0]!.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    await expect.poll(() => page.getByTestId('recipient-table').locator('tbody tr').count(), { timeout: 20_000 }).toBeGreaterThan(0);

    // Statistics: the cards and the funnel chart count what was sent (nothing opened yet; replies not tracked).
    await expect.poll(() => page.getByTestId('funnel-summary').textContent(), { timeout: 20_000 }).toBe(`Sent ${sent} → Delivered ${sent} → Opened 0 → Clicked 0`);
    expect(await page.getByTestId('stat-sent').getAttribute('aria-label')).toMatch(new RegExp(`^Sent: ${sent}, of \\d+ recipients$`));
    expect(await page.getByRole('img', { name: `Funnel: Sent ${sent}, Delivered ${sent}, Opened 0, Clicked 0.` }).count()).toBe(1);
    expect(await page.getByTestId('stat-replies').textContent()).toContain('Not tracked');
    await page.screenshot({ path: 'test-results/campaigns.png', fullPage: true });
    expect(errors).toEqual([]);
  }
});
