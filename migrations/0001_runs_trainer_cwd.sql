ALTER TABLE `runs` ADD `trainer` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `cwd` text;