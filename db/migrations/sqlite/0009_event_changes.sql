-- The alert worker keeps the events table in memory between runs and reads only the rows added since
-- (electron/alerts/alert-inputs.ts). Rows added are found by rowid; a row removed or replaced (the
-- INSERT OR REPLACE of a re-sent event takes a new rowid and fires no delete trigger) shows as a row
-- count that does not add up. What neither shows is a row changed in place: this counter does.
-- Client-only (local_): never synced, skipped by the schema parity test.
CREATE TABLE `local_event_changes` (
	`id` integer PRIMARY KEY CHECK (`id` = 1),
	`version` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `local_event_changes` (`id`, `version`) VALUES (1, 0);
--> statement-breakpoint
-- Never fires during a sync's inserts. Cannot hit a constraint (see 0004 on trigger conflict policies).
CREATE TRIGGER `local_events_changed` AFTER UPDATE ON `events` BEGIN
	UPDATE `local_event_changes` SET `version` = `version` + 1 WHERE `id` = 1;
END;
