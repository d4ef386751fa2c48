CREATE TABLE "conflicts" (
	"id" text PRIMARY KEY NOT NULL,
	"brokerage_id" text NOT NULL,
	"table_name" text NOT NULL,
	"row_id" text NOT NULL,
	"contact_id" text,
	"field" text NOT NULL,
	"winning_value" jsonb,
	"losing_value" jsonb,
	"winning_hlc" text NOT NULL,
	"losing_hlc" text NOT NULL,
	"losing_device_id" text,
	"losing_user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_changes" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"table_name" text NOT NULL,
	"brokerage_id" text,
	"scope" text[],
	"op" text NOT NULL,
	"row_id" text NOT NULL,
	"row" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_client_mutations" (
	"client_id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"last_mutation_id" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_shapes" (
	"handle" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"table_name" text NOT NULL,
	"scope_key" text NOT NULL,
	"snapshot_seq" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_snapshot_cursors" (
	"handle" text NOT NULL,
	"page" integer NOT NULL,
	"after_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_snapshot_cursors_handle_page_pk" PRIMARY KEY("handle","page")
);
--> statement-breakpoint
ALTER TABLE "campaign_sends" ADD COLUMN "hlc" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "campaign_sends" ADD COLUMN "field_hlcs" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "conflicts" ADD CONSTRAINT "conflicts_brokerage_id_brokerages_id_fk" FOREIGN KEY ("brokerage_id") REFERENCES "public"."brokerages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conflicts_row_idx" ON "conflicts" USING btree ("table_name","row_id");--> statement-breakpoint
CREATE INDEX "conflicts_brokerage_idx" ON "conflicts" USING btree ("brokerage_id","created_at");--> statement-breakpoint
CREATE INDEX "sync_changes_shape_idx" ON "sync_changes" USING btree ("table_name","brokerage_id","seq");--> statement-breakpoint
CREATE INDEX "sync_changes_created_idx" ON "sync_changes" USING btree ("created_at");