// The sync server's web console end to end: `roi server --demo` (demo data, committed models), Chromium at
// /console. An admin signs in, creates a user (who sets a password through the one-time invite link),
// sees the device appear when that user signs in the way the app does, revokes it (the app's next request
// gets 401 device_revoked), uploads and activates a model version (devices are then served it), and
// rotates an API key (the old key is refused by POST /v1/events).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { requireService } from '../support/required-service.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = requireService('Chromium', chromiumAvailable(), 'install Debian chromium (apt-get install -y chromium)');

type RunningServer = { serverUrl: string; stop(): Promise<number | null> };

const newest = (dir: string): number =>
  Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((entry) => (entry.isDirectory() ? newest(path.join(dir, entry.name)) : statSync(path.join(dir, entry.name)).mtimeMs)));

/** Builds dist/console when missing or stale, as `roi start` does. */
function ensureConsoleBuilt(): void {
  const index = path.join(ROOT, 'dist/console/index.html');
  const sources = Math.max(newest(path.join(ROOT, 'sync-server/console/web')), statSync(path.join(ROOT, 'vite.console.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.console.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * `roi server --demo` on embedded PGlite and a free port: the console needs the sync server alone (with
 * the demo brokerages and the committed models), not the app, whose UI build `roi start` would wait for.
 */
async function startServer(timeoutMs = 120_000): Promise<RunningServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roi-console-e2e-'));
  const child = spawn(process.execPath, ['bin/roi.mjs', 'server', '--port', '0', '--demo', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', ROI_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const serverUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`roi server did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stderr!.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`roi server exited early (${code}):\n${output}`));
    });
  });
  return {
    serverUrl,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGINT');
      }),
  };
}

describe.runIf(run)('sync server web console', () => {
  let stack: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    [stack, browser] = await Promise.all([startServer(), launchChromium()]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    expect(await stack?.stop()).toBe(0);
  });

  const appLogin = async (email: string, password: string, deviceName: string) => {
    const response = await fetch(`${stack.serverUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, deviceName, platform: 'linux', appVersion: '0.1.0' }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { accessToken: string; deviceId: string };
  };
  const sendEvents = (key: string) =>
    fetch(`${stack.serverUrl}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ events: [] }) });

  it('admin: users and invites, device revocation, model upload and activation, API key rotation', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const consoleUrl = `${stack.serverUrl}/console/`;

    // Sign in; landmarks are there for keyboard and screen-reader users.
    await page.goto(consoleUrl);
    await page.getByLabel('Email').fill('admin@roidesk.test');
    await page.getByRole('textbox', { name: 'Password' }).fill('demo-admin-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Console' });
    await nav.waitFor();
    expect(await page.getByRole('main').count()).toBe(1);

    // A new agent, invited with a one-time link.
    const email = `e2e-${Date.now()}@cascade.test`;
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add user' });
    await dialog.getByLabel('Name').fill('Eve Tester');
    await dialog.getByLabel('Email').fill(email);
    await dialog.getByRole('combobox', { name: 'Brokerage' }).click();
    await page.getByRole('option', { name: 'Cascade Realty' }).click();
    await dialog.getByLabel('Territories (zip codes)').fill('98101');
    await dialog.getByLabel('Territories (zip codes)').press('Enter');
    await dialog.getByRole('button', { name: 'Create and get invitation link' }).click();
    const inviteUrl = (await page.getByTestId('one-time-secret').textContent())!.trim();
    expect(inviteUrl).toMatch(/\/console\/invite#[A-Za-z0-9_-]{40,}$/);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('user-row').filter({ hasText: email }).getByText('Invited').waitFor();

    const invitee = await browser.newPage();
    await invitee.goto(inviteUrl);
    await invitee.getByRole('textbox', { name: 'New password' }).fill('e2e password 123');
    await invitee.getByRole('textbox', { name: 'Repeat the password' }).fill('e2e password 123');
    await invitee.getByRole('button', { name: 'Set password' }).click();
    await invitee.getByText('Your password is set').waitFor();
    expect(invitee.url()).not.toContain('#'); // the token left the address bar
    await invitee.close();

    // The app signs in as the new user: its device appears; revoking it signs the app out.
    const app = await appLogin(email, 'e2e password 123', 'E2E laptop');
    await nav.getByRole('link', { name: 'Devices' }).click();
    const deviceRow = page.getByTestId('device-row').filter({ hasText: 'E2E laptop' });
    await deviceRow.waitFor({ timeout: 15_000 });
    expect(await deviceRow.textContent()).toContain('0.1.0');
    await deviceRow.getByRole('button', { name: `Revoke E2E laptop of ${email}` }).click();
    await page.getByRole('dialog', { name: 'Revoke E2E laptop?' }).getByRole('button', { name: 'Revoke device' }).click();
    await page.getByText('E2E laptop revoked.').waitFor();
    const me = await fetch(`${stack.serverUrl}/v1/me`, { headers: { authorization: `Bearer ${app.accessToken}` } });
    expect(me.status).toBe(401);
    expect(((await me.json()) as { error: { code: string } }).error.code).toBe('device_revoked');

    // A new valuation model version: checked by the server, then activated for every device.
    await nav.getByRole('link', { name: 'Models' }).click();
    const upload = page.getByRole('form', { name: 'Upload a model version' });
    await upload.getByRole('combobox', { name: 'Model' }).click();
    await page.getByRole('option', { name: 'avm', exact: true }).click();
    await upload.getByLabel('Version').fill('e2e-v2');
    await upload.locator('input[type="file"]').setInputFiles({ name: 'avm.onnx', mimeType: 'application/octet-stream', buffer: readFileSync(path.join(ROOT, 'models/avm.onnx')) });
    await upload.getByRole('button', { name: 'Upload and check' }).click();
    await page.getByRole('button', { name: 'Activate avm e2e-v2' }).click({ timeout: 30_000 });
    await page.getByRole('dialog', { name: 'Activate avm e2e-v2?' }).getByRole('button', { name: 'Activate' }).click();
    await page.getByTestId('model-version-row').filter({ hasText: 'e2e-v2' }).getByText('Active').waitFor();
    const checker = await appLogin('avery@cascade.test', 'demo-password-1', 'Model check');
    const models = (await (await fetch(`${stack.serverUrl}/v1/models`, { headers: { authorization: `Bearer ${checker.accessToken}` } })).json()) as { models: { name: string; version: string }[] };
    expect(models.models.find((m) => m.name === 'avm')?.version).toBe('e2e-v2');

    // Rotating the demo ingestion key: the old key is refused from then on, the new one works.
    expect((await sendEvents('demo-ingest-cascade')).status).toBe(400); // a known key (the empty batch is what is refused)
    await nav.getByRole('link', { name: 'Ingestion' }).click();
    await page.getByRole('button', { name: 'Rotate key Demo ingestion key of Cascade Realty' }).click();
    await page.getByRole('dialog', { name: 'Rotate “Demo ingestion key”?' }).getByRole('button', { name: 'Rotate key' }).click();
    const newKey = (await page.getByTestId('one-time-secret').textContent())!.trim();
    expect(newKey).toMatch(/^roi_/);
    await page.getByRole('button', { name: 'Done' }).click();
    expect((await sendEvents('demo-ingest-cascade')).status).toBe(401);
    expect((await sendEvents(newKey)).status).toBe(400);
    await page.getByTestId('tail-row').filter({ hasText: 'Refused (401)' }).first().waitFor({ timeout: 10_000 });

    // Each action is in the audit log.
    await nav.getByRole('link', { name: 'Audit log' }).click();
    await page.getByTestId('audit-row').first().waitFor();
    const audit = await page.getByRole('table', { name: 'Audit log' }).textContent();
    for (const action of ['user.created', 'user.invite_accepted', 'device.revoked', 'model.uploaded', 'model.activated', 'ingest_key.rotated']) expect(audit).toContain(action);

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/console.png', fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
