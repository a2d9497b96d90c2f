ALTER TABLE `runs` ADD `config_json` text;--> statement-breakpoint
UPDATE `runs` SET `config_json` = (SELECT json_group_object(`key`, `value`) FROM `params` WHERE `params`.`run_id` = `runs`.`id`);--> statement-breakpoint
DROP TABLE `params`;--> statement-breakpoint
CREATE VIEW `params` AS select r.id as run_id, j.key as key, j.value as value from runs r, json_each(r.config_json) j;
