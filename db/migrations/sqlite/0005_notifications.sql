CREATE TABLE `local_notified` (
	`kind` text NOT NULL,
	`record_id` text NOT NULL,
	`notified_at` text NOT NULL,
	PRIMARY KEY(`kind`, `record_id`)
);
--> statement-breakpoint
ALTER TABLE `alerts` ADD `notified_at` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `escalated_at` text;