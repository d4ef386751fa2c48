CREATE INDEX "campaign_sends_campaign_idx" ON "campaign_sends" USING btree ("campaign_id");--> statement-breakpoint
CREATE INDEX "campaign_sends_contact_idx" ON "campaign_sends" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "campaign_sends_message_idx" ON "campaign_sends" USING btree ("brokerage_id","message_id");