CREATE TABLE `metric_values` (
	`run_id` text NOT NULL,
	`seq` integer NOT NULL,
	`segment` integer NOT NULL,
	`iter` integer,
	`split` text NOT NULL,
	`name` text NOT NULL,
	`value` real,
	PRIMARY KEY(`run_id`, `seq`, `name`)
);
--> statement-breakpoint
ALTER TABLE `index_state` ADD `metrics_jsonl_stamp` text;--> statement-breakpoint
INSERT INTO `index_meta` (`key`, `value`) SELECT 'parser_version', '1' WHERE EXISTS (SELECT 1 FROM `runs`);
