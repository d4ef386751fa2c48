CREATE TABLE "server_campaign_reservations" (
	"run_id" text NOT NULL,
	"contact_id" text NOT NULL,
	"brokerage_id" text NOT NULL,
	"device_id" text NOT NULL,
	"reserved_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "server_campaign_reservations_run_id_contact_id_pk" PRIMARY KEY("run_id","contact_id")
);
--> statement-breakpoint
ALTER TABLE "server_campaign_reservations" ADD CONSTRAINT "server_campaign_reservations_brokerage_id_brokerages_id_fk" FOREIGN KEY ("brokerage_id") REFERENCES "public"."brokerages"("id") ON DELETE no action ON UPDATE no action;