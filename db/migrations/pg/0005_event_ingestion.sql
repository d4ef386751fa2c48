CREATE TABLE "server_ingest_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"brokerage_id" text NOT NULL,
	"key_hash" text NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "server_webhook_secrets" (
	"id" text PRIMARY KEY NOT NULL,
	"brokerage_id" text NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "server_ingest_keys" ADD CONSTRAINT "server_ingest_keys_brokerage_id_brokerages_id_fk" FOREIGN KEY ("brokerage_id") REFERENCES "public"."brokerages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "server_webhook_secrets" ADD CONSTRAINT "server_webhook_secrets_brokerage_id_brokerages_id_fk" FOREIGN KEY ("brokerage_id") REFERENCES "public"."brokerages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "server_ingest_keys_hash_uq" ON "server_ingest_keys" USING btree ("key_hash");