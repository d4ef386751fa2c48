// Name-based UUIDs (RFC 9562 version 5: SHA-1 of namespace + name). The demo seed derives every id from
// a stable name ("contact:c_000123"), so seeding twice, on any machine, produces the same rows and
// ON CONFLICT DO NOTHING makes the second run a no-op.
import { createHash } from 'node:crypto';

/** Namespace of all ROI Desk demo ids. Never change it: existing demo databases would get duplicates. */
export const DEMO_ID_NAMESPACE = '553e703a-59e8-4008-9ba9-cefdadd76eba';

export function uuidV5(name: string, namespace: string = DEMO_ID_NAMESPACE): string {
  const namespaceBytes = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (namespaceBytes.length !== 16) throw new TypeError(`Not a UUID namespace: ${namespace}`);
  const bytes = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id of a demo row of `kind` (table-like prefix) with the given natural key. */
export function demoId(kind: string, key: string): string {
  return uuidV5(`${kind}:${key}`);
}
