CREATE TABLE `index_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text
);
