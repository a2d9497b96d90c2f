CREATE TABLE `checkpoints` (
	`run_id` text NOT NULL,
	`seq` integer NOT NULL,
	`segment` integer NOT NULL,
	`iter` integer NOT NULL,
	`file` text,
	PRIMARY KEY(`run_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `index_state` (
	`run_id` text PRIMARY KEY NOT NULL,
	`manifest_stamp` text,
	`adapter_config_stamp` text,
	`config_stamp` text,
	`log_size` integer,
	`log_mtime_ms` integer,
	`log_offset` integer DEFAULT 0 NOT NULL,
	`parse_state` text,
	`committed_seq` integer DEFAULT 0 NOT NULL,
	`committed_checkpoint_seq` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `metrics` (
	`run_id` text NOT NULL,
	`seq` integer NOT NULL,
	`segment` integer NOT NULL,
	`iter` integer,
	`split` text NOT NULL,
	`loss` real,
	`learning_rate` real,
	`it_per_sec` real,
	`tokens_per_sec` real,
	`trained_tokens` real,
	`peak_mem_gb` real,
	`val_time_s` real,
	`test_ppl` real,
	PRIMARY KEY(`run_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `params` (
	`run_id` text NOT NULL,
	`key` text NOT NULL,
	`value` numeric,
	PRIMARY KEY(`run_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`uid` text,
	`host` text,
	`path` text NOT NULL,
	`status` text NOT NULL,
	`started_at` text,
	`finished_at` text,
	`duration_s` real,
	`exit_code` integer,
	`signal` text,
	`pid` integer,
	`model` text,
	`data_dir` text,
	`fine_tune_type` text,
	`num_layers` integer,
	`lora_rank` integer,
	`lora_alpha` real,
	`lora_dropout` real,
	`iters` integer,
	`batch_size` integer,
	`learning_rate` real,
	`seed` integer,
	`max_seq_length` integer,
	`git_sha` text,
	`git_dirty` integer,
	`tags` text DEFAULT '[]' NOT NULL,
	`note` text,
	`command` text,
	`last_iter` integer,
	`best_val_loss` real,
	`best_val_iter` integer,
	`final_val_loss` real,
	`final_train_loss` real,
	`test_loss` real,
	`test_ppl` real,
	`checkpoints` integer DEFAULT 0 NOT NULL,
	`peak_mem_gb` real,
	`tokens_per_sec` real,
	`trained_tokens` real,
	`train_reports` integer DEFAULT 0 NOT NULL,
	`val_reports` integer DEFAULT 0 NOT NULL,
	`log_format` text,
	`outcome_hint` text,
	`trainable_params_m` real,
	`total_params_m` real,
	`resumed_from` text,
	`warnings` text,
	`source` text NOT NULL,
	`indexed_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `runs_best_val_loss` ON `runs` (`best_val_loss`);--> statement-breakpoint
CREATE INDEX `runs_started_at` ON `runs` (`started_at`);--> statement-breakpoint
CREATE INDEX `runs_status` ON `runs` (`status`);