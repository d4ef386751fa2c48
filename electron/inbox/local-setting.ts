// Typed access to one key of local_settings (client-only, never synced): saved inbox views and
// notification preferences belong to this device's user, not to the brokerage.
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { localSettings } from '../../db/schema/sqlite.ts';
import type { LocalDatabase } from '../store/local-store.ts';

export type LocalSetting<T> = { read(): T; write(value: T): void };

/** A stored value that no longer parses (an older app version wrote it) reads as `fallback`. */
export function localSetting<T>(db: LocalDatabase, key: string, schema: z.ZodType<T>, fallback: () => T): LocalSetting<T> {
  return {
    read() {
      const row = db.select({ value: localSettings.value }).from(localSettings).where(eq(localSettings.key, key)).get();
      if (!row) return fallback();
      const parsed = schema.safeParse(row.value);
      return parsed.success ? parsed.data : fallback();
    },
    write(value) {
      db.insert(localSettings)
        .values({ key, value })
        .onConflictDoUpdate({ target: localSettings.key, set: { value, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` } })
        .run();
    },
  };
}
