CREATE TABLE `run_hashes` (
	`run_id` text NOT NULL,
	`host` text NOT NULL,
	`scheme` text NOT NULL,
	`uid` text NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`run_id`, `host`)
);
--> statement-breakpoint
-- A run's hashes stay only while its runs row is unchanged: any update (the indexer's upsert, a
-- tag, a note, the root moving) or delete drops them. drizzle's schema has no triggers, hence
-- this custom step. A later migration that rebuilds `runs` must create them again
-- (tests/db/migrations.test.ts checks they are there).
CREATE TRIGGER `run_hashes_row_updated` AFTER UPDATE ON `runs` BEGIN
	DELETE FROM `run_hashes` WHERE `run_id` = old.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `run_hashes_row_deleted` AFTER DELETE ON `runs` BEGIN
	DELETE FROM `run_hashes` WHERE `run_id` = old.`id`;
END;
