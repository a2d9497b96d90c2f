CREATE TABLE "checkpoints" (
	"run_uid" text NOT NULL,
	"seq" integer NOT NULL,
	"segment" integer NOT NULL,
	"iter" integer NOT NULL,
	"file" text,
	CONSTRAINT "checkpoints_run_uid_seq_pk" PRIMARY KEY("run_uid","seq")
);
--> statement-breakpoint
CREATE TABLE "metrics" (
	"run_uid" text NOT NULL,
	"seq" integer NOT NULL,
	"segment" integer NOT NULL,
	"iter" integer,
	"split" text NOT NULL,
	"loss" double precision,
	"learning_rate" double precision,
	"it_per_sec" double precision,
	"tokens_per_sec" double precision,
	"trained_tokens" double precision,
	"peak_mem_gb" double precision,
	"val_time_s" double precision,
	"test_ppl" double precision,
	CONSTRAINT "metrics_run_uid_seq_pk" PRIMARY KEY("run_uid","seq")
);
--> statement-breakpoint
CREATE TABLE "push_state" (
	"run_uid" text PRIMARY KEY NOT NULL,
	"row_hash" text NOT NULL,
	"metric_rows" integer NOT NULL,
	"checkpoint_rows" integer NOT NULL,
	"pushed_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text NOT NULL,
	"uid" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"path" text NOT NULL,
	"status" text NOT NULL,
	"started_at" text,
	"finished_at" text,
	"duration_s" double precision,
	"exit_code" integer,
	"signal" text,
	"pid" integer,
	"model" text,
	"data_dir" text,
	"fine_tune_type" text,
	"num_layers" integer,
	"lora_rank" integer,
	"lora_alpha" double precision,
	"lora_dropout" double precision,
	"iters" integer,
	"batch_size" integer,
	"learning_rate" double precision,
	"seed" integer,
	"max_seq_length" integer,
	"git_sha" text,
	"git_dirty" boolean,
	"tags" text DEFAULT '[]' NOT NULL,
	"note" text,
	"command" text,
	"config_json" text,
	"trainer" text,
	"cwd" text,
	"last_iter" integer,
	"best_val_loss" double precision,
	"best_val_iter" integer,
	"final_val_loss" double precision,
	"final_train_loss" double precision,
	"test_loss" double precision,
	"test_ppl" double precision,
	"checkpoints" integer DEFAULT 0 NOT NULL,
	"peak_mem_gb" double precision,
	"tokens_per_sec" double precision,
	"trained_tokens" double precision,
	"train_reports" integer DEFAULT 0 NOT NULL,
	"val_reports" integer DEFAULT 0 NOT NULL,
	"log_format" text,
	"outcome_hint" text,
	"trainable_params_m" double precision,
	"total_params_m" double precision,
	"resumed_from" text,
	"warnings" text,
	"source" text NOT NULL,
	"indexed_at" text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "runs_host_id" ON "runs" USING btree ("host","id");--> statement-breakpoint
CREATE INDEX "runs_best_val_loss" ON "runs" USING btree ("best_val_loss");--> statement-breakpoint
CREATE INDEX "runs_started_at" ON "runs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "runs_status" ON "runs" USING btree ("status");--> statement-breakpoint
CREATE VIEW "public"."params" AS (select r.uid as run_uid, j.key as key, j.value as value from runs r, jsonb_each(r.config_json::jsonb) j);