-- metrics and metric_values become WITHOUT ROWID tables: the rows live in their primary-key
-- b-tree, so the separate key index (about a fifth of runs.db) is gone. Measured on the 10,000-run
-- bench tree: runs.db 176.6 MB -> 145.3 MB, full index no slower (3 alternating pairs, bench/ab.mjs), same query plans (every read
-- is by run_id, in seq order). drizzle's schema has no WITHOUT ROWID, hence this custom step.
CREATE TABLE `metrics_new` (
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
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `metrics_new` SELECT `run_id`, `seq`, `segment`, `iter`, `split`, `loss`, `learning_rate`, `it_per_sec`, `tokens_per_sec`, `trained_tokens`, `peak_mem_gb`, `val_time_s`, `test_ppl` FROM `metrics`;
--> statement-breakpoint
DROP TABLE `metrics`;
--> statement-breakpoint
ALTER TABLE `metrics_new` RENAME TO `metrics`;
--> statement-breakpoint
CREATE TABLE `metric_values_new` (
	`run_id` text NOT NULL,
	`seq` integer NOT NULL,
	`segment` integer NOT NULL,
	`iter` integer,
	`split` text NOT NULL,
	`name` text NOT NULL,
	`value` real,
	PRIMARY KEY(`run_id`, `seq`, `name`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `metric_values_new` SELECT `run_id`, `seq`, `segment`, `iter`, `split`, `name`, `value` FROM `metric_values`;
--> statement-breakpoint
DROP TABLE `metric_values`;
--> statement-breakpoint
ALTER TABLE `metric_values_new` RENAME TO `metric_values`;
