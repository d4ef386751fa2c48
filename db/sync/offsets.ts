// Shape offsets as our server issues them. Opaque to the Electric client; the app reads them only to
// know when a table's stream has passed a mutation's acknowledged log position.
//   0_<page>  — inside the initial snapshot, after <page> pages;
//   <P+1>_0   — in the change log, every change up to log position P delivered.
export type ShapeOffset = `${number}_${number}` | '-1';

export type ParsedOffset = { kind: 'start' } | { kind: 'snapshot'; page: number } | { kind: 'log'; position: number };

export function parseShapeOffset(offset: string): ParsedOffset | null {
  if (offset === '-1') return { kind: 'start' };
  const match = /^(\d{1,16})_(\d{1,9})$/.exec(offset);
  if (!match) return null;
  const tx = Number(match[1]);
  const op = Number(match[2]);
  if (!Number.isSafeInteger(tx)) return null;
  if (tx === 0) return op >= 1 ? { kind: 'snapshot', page: op } : null;
  return op === 0 ? { kind: 'log', position: tx - 1 } : null;
}

export const snapshotOffset = (page: number): ShapeOffset => `${0}_${page}`;
export const logOffset = (position: number): ShapeOffset => `${position + 1}_${0}`;

/** The log position a stream at `offset` has fully delivered, or -1 while still in its snapshot. */
export function deliveredLogPosition(offset: string): number {
  const parsed = parseShapeOffset(offset);
  return parsed?.kind === 'log' ? parsed.position : -1;
}
