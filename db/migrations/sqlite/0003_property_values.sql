CREATE TABLE `local_property_values` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`property_id` text NOT NULL,
	`valued_at` text NOT NULL,
	`estimate` real NOT NULL,
	`low` real NOT NULL,
	`high` real NOT NULL,
	`confidence` integer NOT NULL,
	`model_version` text NOT NULL,
	`reason` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `local_property_values_property_idx` ON `local_property_values` (`property_id`,`valued_at`);