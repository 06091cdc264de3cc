-- The CRM's pipeline: per-workspace stages, sponsors that can be deleted and restored, and deals
-- in the shape of shared/crm.ts. Written by hand around drizzle-kit's output: D1 keeps foreign
-- keys on, so `deals` is changed in place (never rebuilt, which would cascade-delete its
-- activities and follow-ups) and its data converted: stage → stage_id, deliverable strings →
-- deliverable objects, close_at → expected_close_at, due_at → each deliverable's draftDueAt.
ALTER TABLE `sponsors` RENAME COLUMN "brand" TO "name";--> statement-breakpoint
CREATE TABLE `deal_stages` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`position` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `deal_stages_pipeline` ON `deal_stages` (`workspace_id`,`position`);--> statement-breakpoint
-- Every existing workspace gets the default pipeline (shared/crm.ts DEFAULT_STAGES).
INSERT INTO `deal_stages` (`id`, `workspace_id`, `name`, `kind`, `position`)
SELECT 'stg_' || lower(hex(randomblob(11))), `workspaces`.`id`,
  json_extract(defaults.value, '$[0]'), json_extract(defaults.value, '$[1]'), defaults.key
FROM `workspaces` CROSS JOIN json_each('[["Lead","open"],["Contacted","open"],["Negotiating","open"],["Contracted","won"],["Delivering","won"],["Delivered","won"],["Invoiced","won"],["Paid","paid"],["Lost","lost"]]') AS defaults;--> statement-breakpoint
DROP INDEX `sponsors_brand`;--> statement-breakpoint
DROP INDEX `sponsors_domain`;--> statement-breakpoint
ALTER TABLE `sponsors` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `sponsors` ADD `created_by` text REFERENCES users(id) ON DELETE set null;--> statement-breakpoint
CREATE INDEX `sponsors_name` ON `sponsors` (`workspace_id`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `sponsors_created_by` ON `sponsors` (`created_by`);--> statement-breakpoint
CREATE INDEX `sponsors_deleted` ON `sponsors` (`deleted_at`) WHERE deleted_at IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `sponsors_domain` ON `sponsors` (`workspace_id`,`domain`) WHERE domain IS NOT NULL AND deleted_at IS NULL;--> statement-breakpoint
DROP INDEX `deals_pipeline`;--> statement-breakpoint
DROP INDEX `deals_due`;--> statement-breakpoint
DROP INDEX `deals_list`;--> statement-breakpoint
DROP INDEX `deals_source_message`;--> statement-breakpoint
ALTER TABLE `deals` ADD `stage_id` text REFERENCES deal_stages(id) ON DELETE restrict;--> statement-breakpoint
ALTER TABLE `deals` ADD `payment_terms_days` integer;--> statement-breakpoint
ALTER TABLE `deals` ADD `po_number` text;--> statement-breakpoint
ALTER TABLE `deals` ADD `usage_rights` text;--> statement-breakpoint
ALTER TABLE `deals` ADD `exclusivity` text;--> statement-breakpoint
ALTER TABLE `deals` ADD `revision_rounds` integer;--> statement-breakpoint
ALTER TABLE `deals` ADD `expected_close_at` integer;--> statement-breakpoint
ALTER TABLE `deals` ADD `invoice_sent_at` integer;--> statement-breakpoint
ALTER TABLE `deals` ADD `source_thread_id` text;--> statement-breakpoint
ALTER TABLE `deals` ADD `source_fingerprint` text;--> statement-breakpoint
ALTER TABLE `deals` ADD `field_sources` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `deals` ADD `last_activity_at` integer;--> statement-breakpoint
ALTER TABLE `deals` ADD `deleted_at` integer;--> statement-breakpoint
-- The old fixed stages all exist in the default pipeline under the same names.
UPDATE `deals` SET `stage_id` = (
  SELECT `deal_stages`.`id` FROM `deal_stages`
  WHERE `deal_stages`.`workspace_id` = `deals`.`workspace_id`
    AND lower(`deal_stages`.`name`) = `deals`.`stage`
);--> statement-breakpoint
UPDATE `deals` SET
  `expected_close_at` = `close_at`,
  `last_activity_at` = `updated_at`,
  `source` = CASE WHEN `source` = 'email' THEN 'email' ELSE 'manual' END,
  `deliverables` = (
    SELECT coalesce(json_group_array(json_object(
      'id', 'dlv_' || lower(hex(randomblob(8))),
      'platform', 'other',
      'kind', `item`.`value`,
      'draftDueAt', `deals`.`due_at`,
      'approvedAt', NULL,
      'liveAt', NULL,
      'done', json('false'),
      'contentId', NULL
    )), '[]')
    FROM json_each(`deals`.`deliverables`) AS `item`
    WHERE `item`.`type` = 'text'
  );--> statement-breakpoint
CREATE INDEX `deals_stage` ON `deals` (`workspace_id`,`stage_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `deals_stage_fk` ON `deals` (`stage_id`);--> statement-breakpoint
CREATE INDEX `deals_source_thread` ON `deals` (`workspace_id`,`source_thread_id`) WHERE source_thread_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `deals_source_fingerprint` ON `deals` (`workspace_id`,`source_fingerprint`) WHERE source_fingerprint IS NOT NULL;--> statement-breakpoint
CREATE INDEX `deals_deleted` ON `deals` (`deleted_at`) WHERE deleted_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `deals_list` ON `deals` (`workspace_id`,`updated_at`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `deals_source_message` ON `deals` (`workspace_id`,`source_message_id`) WHERE source_message_id IS NOT NULL AND deleted_at IS NULL;--> statement-breakpoint
ALTER TABLE `deals` DROP COLUMN `stage`;--> statement-breakpoint
ALTER TABLE `deals` DROP COLUMN `due_at`;--> statement-breakpoint
ALTER TABLE `deals` DROP COLUMN `close_at`;
