ALTER TABLE `runs` ADD `parent` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `iter_offset` integer;--> statement-breakpoint
INSERT OR REPLACE INTO `index_meta` (`key`, `value`) SELECT 'parser_version', '2' WHERE EXISTS (SELECT 1 FROM `runs`);