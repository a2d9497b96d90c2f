CREATE TABLE "metric_values" (
	"run_uid" text NOT NULL,
	"seq" integer NOT NULL,
	"segment" integer NOT NULL,
	"iter" integer,
	"split" text NOT NULL,
	"name" text NOT NULL,
	"value" double precision,
	CONSTRAINT "metric_values_run_uid_seq_name_pk" PRIMARY KEY("run_uid","seq","name")
);
--> statement-breakpoint
ALTER TABLE "push_state" ADD COLUMN "values_seq" integer;--> statement-breakpoint
-- The roles of 0001 (README "Working as a team") on the new table.
GRANT SELECT ON metric_values TO runs_reader;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON metric_values TO runs_pusher;
