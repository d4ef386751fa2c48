CREATE INDEX `campaign_sends_campaign_idx` ON `campaign_sends` (`campaign_id`);--> statement-breakpoint
CREATE INDEX `campaign_sends_contact_idx` ON `campaign_sends` (`contact_id`);