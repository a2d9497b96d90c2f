ALTER TABLE "runs" ADD COLUMN "parent" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "iter_offset" integer;