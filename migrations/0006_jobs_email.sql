CREATE TABLE `usage_rollups` (
	`workspace_id` text NOT NULL,
	`day` text NOT NULL,
	`ai_calls` integer DEFAULT 0 NOT NULL,
	`credits` integer DEFAULT 0 NOT NULL,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`cost_micros` integer DEFAULT 0 NOT NULL,
	`content_created` integer DEFAULT 0 NOT NULL,
	`deals_created` integer DEFAULT 0 NOT NULL,
	`emails_sent` integer DEFAULT 0 NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`workspace_id`, `day`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `email_preferences` (
	`email` text PRIMARY KEY NOT NULL,
	`user_id` text,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`followup_reminder` integer DEFAULT true NOT NULL,
	`deliverable_due` integer DEFAULT true NOT NULL,
	`invoice_overdue` integer DEFAULT true NOT NULL,
	`content_published` integer DEFAULT true NOT NULL,
	`invitation` integer DEFAULT true NOT NULL,
	`digest` integer DEFAULT true NOT NULL,
	`digest_next_at` integer,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `email_preferences_user` ON `email_preferences` (`user_id`);--> statement-breakpoint
CREATE INDEX `email_preferences_digest_due` ON `email_preferences` (`digest_next_at`,`email`) WHERE digest_next_at IS NOT NULL;--> statement-breakpoint
CREATE TABLE `cron_runs` (
	`cron` text NOT NULL,
	`scheduled_at` integer NOT NULL,
	`finished_at` integer,
	`summary` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`cron`, `scheduled_at`)
);
--> statement-breakpoint
CREATE INDEX `cron_runs_created` ON `cron_runs` (`created_at`);--> statement-breakpoint
ALTER TABLE `email_outbox` ADD `claimed_at` integer;--> statement-breakpoint
CREATE INDEX `email_outbox_to` ON `email_outbox` (`to_email`,`created_at`);--> statement-breakpoint
CREATE INDEX `email_outbox_sent` ON `email_outbox` (`workspace_id`,`sent_at`) WHERE status = 'sent';--> statement-breakpoint
CREATE INDEX `deals_unpaid_invoices` ON `deals` (`invoice_sent_at`,`id`) WHERE invoice_sent_at IS NOT NULL AND paid_at IS NULL AND deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `deals_with_deliverables` ON `deals` (`id`) WHERE deleted_at IS NULL AND deliverables <> '[]';--> statement-breakpoint
-- Every existing account gets its email settings: all emails on, UTC, the digest at the next 08:00 UTC.
INSERT INTO `email_preferences` (`email`, `user_id`, `digest_next_at`)
SELECT `email`, `id`,
  (CASE WHEN unixepoch('now') < unixepoch(date('now')) + 28800
        THEN unixepoch(date('now')) + 28800
        ELSE unixepoch(date('now', '+1 day')) + 28800 END) * 1000
FROM `users` WHERE true
ON CONFLICT (`email`) DO NOTHING;
