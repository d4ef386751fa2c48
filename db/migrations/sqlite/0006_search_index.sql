-- Global search (electron/search/search-index.ts): an FTS5 index over contacts (name, email, phone,
-- tags), properties (address, zip) and notes (body). Alerts are found through their contact.
--
-- How the index stays current. Tokenising into FTS5 inside triggers on the synced tables would run in
-- every shape batch of the initial sync (whose target is >= 50k rows/s), so the sync path does no
-- search work at all for inserted rows: rowids of these tables only grow on insert (the replica writes
-- rows with INSERT OR REPLACE, which takes max(rowid)+1), so the main process finds new rows after the
-- batches as "rowid above the last one indexed" (local_search_marks). Only UPDATEs of searchable
-- columns and DELETEs (rare during a sync) fire a trigger, which appends the record to
-- local_search_dirty. Measurements and the drain: electron/search/search-index.ts.
--
-- Client-only tables start with local_ (never synced; the schema parity test skips them).
CREATE VIRTUAL TABLE `local_search` USING fts5(
	`kind` UNINDEXED,
	`ref` UNINDEXED,
	`contact_id` UNINDEXED,
	`name`,
	`body`,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '1 2 3'
);
--> statement-breakpoint
-- record → FTS rowid, so a changed record replaces its document without scanning the index.
CREATE TABLE `local_search_keys` (
	`kind` text NOT NULL,
	`ref` text NOT NULL,
	`doc` integer NOT NULL,
	PRIMARY KEY (`kind`, `ref`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Typo tolerance (symmetric delete): every indexed word of 4+ letters under itself and each of its
-- one-letter deletions. A query word with no prefix match looks up itself and its own deletions here,
-- which finds every word within one insertion, deletion, substitution or adjacent swap.
CREATE TABLE `local_search_variants` (
	`variant` text NOT NULL,
	`term` text NOT NULL,
	PRIMARY KEY (`variant`, `term`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Words (letters only, 3+) seen by the index: tells "a prefix of a known word" from "a probable typo".
CREATE TABLE `local_search_terms` (
	`term` text PRIMARY KEY NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
-- An append-only log of changed records (appending is the cheapest write for the sync's triggers).
CREATE TABLE `local_search_dirty` (
	`seq` integer PRIMARY KEY,
	`kind` text NOT NULL,
	`ref` text NOT NULL
);
--> statement-breakpoint
-- Per indexed table: the highest rowid already indexed. When the row holding the highest rowid is
-- deleted, SQLite may hand that rowid to the next insert, so the delete trigger lowers the mark below it.
CREATE TABLE `local_search_marks` (
	`table_name` text PRIMARY KEY NOT NULL,
	`last_rowid` integer NOT NULL
);
--> statement-breakpoint
-- No statement here can hit a constraint (trigger statements inherit the conflict policy of a replica's
-- INSERT OR REPLACE, see 0004): seq is always new.
CREATE TRIGGER `local_search_contacts_update` AFTER UPDATE OF first_name, last_name, email, phone, tags, zipcode, deleted_at ON `contacts` BEGIN
	INSERT INTO local_search_dirty (kind, ref) VALUES ('contact', new.id);
END;
--> statement-breakpoint
CREATE TRIGGER `local_search_contacts_delete` AFTER DELETE ON `contacts` BEGIN
	INSERT INTO local_search_dirty (kind, ref) VALUES ('contact', old.id);
	UPDATE local_search_marks SET last_rowid = old.rowid - 1
		WHERE table_name = 'contacts' AND last_rowid >= old.rowid AND old.rowid > (SELECT coalesce(max(rowid), 0) FROM `contacts`);
END;
--> statement-breakpoint
CREATE TRIGGER `local_search_properties_update` AFTER UPDATE OF address, zipcode, contact_id, parcel_id, deleted_at ON `properties` BEGIN
	INSERT INTO local_search_dirty (kind, ref) VALUES ('property', new.id);
END;
--> statement-breakpoint
CREATE TRIGGER `local_search_properties_delete` AFTER DELETE ON `properties` BEGIN
	INSERT INTO local_search_dirty (kind, ref) VALUES ('property', old.id);
	UPDATE local_search_marks SET last_rowid = old.rowid - 1
		WHERE table_name = 'properties' AND last_rowid >= old.rowid AND old.rowid > (SELECT coalesce(max(rowid), 0) FROM `properties`);
END;
--> statement-breakpoint
CREATE TRIGGER `local_search_notes_update` AFTER UPDATE OF body, contact_id, deleted_at ON `notes` BEGIN
	INSERT INTO local_search_dirty (kind, ref) VALUES ('note', new.id);
END;
--> statement-breakpoint
CREATE TRIGGER `local_search_notes_delete` AFTER DELETE ON `notes` BEGIN
	INSERT INTO local_search_dirty (kind, ref) VALUES ('note', old.id);
	UPDATE local_search_marks SET last_rowid = old.rowid - 1
		WHERE table_name = 'notes' AND last_rowid >= old.rowid AND old.rowid > (SELECT coalesce(max(rowid), 0) FROM `notes`);
END;
--> statement-breakpoint
-- Rows already on this device before the upgrade are above mark 0: the same path indexes them.
INSERT INTO `local_search_marks` (table_name, last_rowid) VALUES ('contacts', 0), ('properties', 0), ('notes', 0);
