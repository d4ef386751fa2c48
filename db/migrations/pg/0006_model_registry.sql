CREATE TABLE "server_models" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"version" text NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"content" "bytea" NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "server_models_name_version_uq" ON "server_models" USING btree ("name","version");--> statement-breakpoint
CREATE UNIQUE INDEX "server_models_active_uq" ON "server_models" USING btree ("name") WHERE "server_models"."active";