import { describe, expect, it } from 'vitest';
import { buildContentSecurityPolicy } from './content-security-policy.ts';

describe('buildContentSecurityPolicy', () => {
  it('starts from default-src none and allows the sync server origin only for connections', () => {
    const csp = buildContentSecurityPolicy('http://127.0.0.1:7300/some/path');
    expect(csp.startsWith("default-src 'none'")).toBe(true);
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:7300;");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('allows only self when the server is unknown or not http(s), and drops frame-ancestors in a meta tag', () => {
    expect(buildContentSecurityPolicy(null, 'meta')).toContain("connect-src 'self';");
    expect(buildContentSecurityPolicy('javascript:alert(1)')).toContain("connect-src 'self';");
    expect(buildContentSecurityPolicy(null, 'meta')).not.toContain('frame-ancestors');
  });
});
