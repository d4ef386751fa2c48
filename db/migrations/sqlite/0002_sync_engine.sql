CREATE TABLE `conflicts` (
	`id` text PRIMARY KEY NOT NULL,
	`brokerage_id` text NOT NULL,
	`table_name` text NOT NULL,
	`row_id` text NOT NULL,
	`contact_id` text,
	`field` text NOT NULL,
	`winning_value` text,
	`losing_value` text,
	`winning_hlc` text NOT NULL,
	`losing_hlc` text NOT NULL,
	`losing_device_id` text,
	`losing_user_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`brokerage_id`) REFERENCES `brokerages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `conflicts_row_idx` ON `conflicts` (`table_name`,`row_id`);--> statement-breakpoint
CREATE INDEX `conflicts_brokerage_idx` ON `conflicts` (`brokerage_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `local_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`table_name` text NOT NULL,
	`op` text NOT NULL,
	`row_id` text NOT NULL,
	`changes` text NOT NULL,
	`base_hlcs` text NOT NULL,
	`hlc` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`ack_seq` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `local_outbox_row_idx` ON `local_outbox` (`table_name`,`row_id`);--> statement-breakpoint
CREATE INDEX `local_outbox_status_idx` ON `local_outbox` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `local_server_rows` (
	`table_name` text NOT NULL,
	`row_id` text NOT NULL,
	`row` text,
	PRIMARY KEY(`table_name`, `row_id`)
);
--> statement-breakpoint
CREATE TABLE `local_shapes` (
	`table_name` text PRIMARY KEY NOT NULL,
	`handle` text,
	`offset` text DEFAULT '-1' NOT NULL,
	`up_to_date` integer DEFAULT false NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
ALTER TABLE `campaign_sends` ADD `hlc` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `campaign_sends` ADD `field_hlcs` text DEFAULT '{}' NOT NULL;