// Tests that need a machine service (Postgres, OS keychain, Chromium, Python) skip with a printed reason on a
// machine without it — but under CI=true a missing service is a failure, never a silent skip.
export const isCI = process.env.CI === 'true';

/** Returns true when the suite should run; throws under CI when the service is missing. */
export function requireService(name: string, available: boolean, why: string): boolean {
  if (available) return true;
  const message = `${name} unavailable: ${why}`;
  if (isCI) throw new Error(`${message} (CI=true: required)`);
  console.warn(`Skipping ${name} tests — ${message}`);
  return false;
}
