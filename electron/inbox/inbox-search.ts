// Text search for the inbox: which contacts match words typed in the search box (names, email, their
// homes' addresses, notes about them). Answered from the replica, offline.
import type Database from 'better-sqlite3';
import { searchContactIds } from '../search/search-index.ts';

export type ContactSearch = (query: string, limit: number) => string[];

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The shared full-text index (electron/search: SQLite FTS5, prefix and typo-tolerant words) where the
 * replica has it; the substring search below on a replica without it.
 */
export function createContactSearch(sqlite: Database.Database): ContactSearch {
  const indexed = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'local_search'`).get() !== undefined;
  if (!indexed) return createLikeContactSearch(sqlite);
  return (query, limit) => searchContactIds(sqlite, query, limit);
}

/**
 * Substring search: every word must appear in the contact's name, email, a property address or a note.
 */
export function createLikeContactSearch(sqlite: Database.Database): ContactSearch {
  const perWord = sqlite.prepare(
    `SELECT c.id FROM contacts c WHERE c.deleted_at IS NULL AND (
       (c.first_name || ' ' || c.last_name) LIKE @pattern ESCAPE '\\' OR coalesce(c.email, '') LIKE @pattern ESCAPE '\\'
       OR EXISTS (SELECT 1 FROM properties p WHERE p.contact_id = c.id AND p.deleted_at IS NULL AND p.address LIKE @pattern ESCAPE '\\')
       OR EXISTS (SELECT 1 FROM notes n WHERE n.contact_id = c.id AND n.deleted_at IS NULL AND n.body LIKE @pattern ESCAPE '\\'))
     LIMIT @limit`,
  );
  return (query, limit) => {
    const words = query.trim().split(/\s+/).filter(Boolean).slice(0, 8);
    if (words.length === 0) return [];
    let result: string[] | null = null;
    for (const word of words) {
      const ids = (perWord.all({ pattern: `%${escapeLike(word)}%`, limit: limit * 10 }) as { id: string }[]).map((row) => row.id);
      const previous: Set<string> | null = result === null ? null : new Set<string>(result);
      result = previous === null ? ids : ids.filter((id) => previous.has(id));
      if (result.length === 0) break;
    }
    return (result ?? []).slice(0, limit);
  };
}
