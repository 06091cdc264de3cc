CREATE TABLE `calendar_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`user_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_tokens_hash` ON `calendar_tokens` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_tokens_member` ON `calendar_tokens` (`workspace_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `calendar_tokens_user` ON `calendar_tokens` (`user_id`);--> statement-breakpoint
-- A captured conversation's address in the mailbox it came from (`/mail/u/1/#all/…`).
ALTER TABLE `deals` ADD `source_thread_url` text;--> statement-breakpoint
-- Follow-ups take the CRM's shape (subject, body, recipient, thread, sent time). SQLite adds a
-- NOT NULL column only with a default, so the table is rebuilt; nothing references it, so
-- dropping the old one cascades nowhere (D1 cannot switch foreign keys off). Old drafts keep
-- their text; "done" becomes "sent"; pending ones of paid or lost deals are cancelled.
CREATE TABLE `__new_followups` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`deal_id` text NOT NULL,
	`to_contact` text,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`due_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`thread_id` text,
	`thread_url` text,
	`assignee_id` text,
	`sent_at` integer,
	`reminder_sent_at` integer,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`deal_id`) REFERENCES `deals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`assignee_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_followups` (`id`, `workspace_id`, `deal_id`, `subject`, `body`, `due_at`, `status`, `thread_id`, `assignee_id`, `sent_at`, `reminder_sent_at`, `created_at`, `updated_at`)
SELECT f.`id`, f.`workspace_id`, f.`deal_id`, coalesce(nullif(trim(f.`draft_subject`), ''), 'Following up'), coalesce(f.`draft_body`, ''), f.`due_at`,
	CASE
		WHEN f.`status` = 'done' THEN 'sent'
		-- A deal already paid or lost needs no follow-up (as the API does from now on).
		WHEN f.`status` = 'pending' AND (SELECT s.`kind` FROM `deals` d JOIN `deal_stages` s ON s.`id` = d.`stage_id` WHERE d.`id` = f.`deal_id`) IN ('paid', 'lost') THEN 'cancelled'
		ELSE f.`status`
	END,
	(SELECT d.`source_thread_id` FROM `deals` d WHERE d.`id` = f.`deal_id`),
	f.`assignee_id`,
	CASE WHEN f.`status` IN ('done', 'sent') THEN f.`updated_at` END,
	f.`reminder_sent_at`, f.`created_at`, f.`updated_at`
FROM `followups` f;
--> statement-breakpoint
DROP TABLE `followups`;--> statement-breakpoint
ALTER TABLE `__new_followups` RENAME TO `followups`;--> statement-breakpoint
CREATE INDEX `followups_list` ON `followups` (`workspace_id`,`due_at`,`id`);--> statement-breakpoint
CREATE INDEX `followups_due_reminders` ON `followups` (`due_at`,`id`) WHERE status = 'pending' AND reminder_sent_at IS NULL;--> statement-breakpoint
CREATE INDEX `followups_deal` ON `followups` (`deal_id`,`status`);--> statement-breakpoint
CREATE INDEX `followups_assignee` ON `followups` (`assignee_id`);--> statement-breakpoint
CREATE INDEX `followups_created_by` ON `followups` (`created_by`);--> statement-breakpoint
-- A message is added to its thread's deal once, even when two captures race. Duplicates an
-- earlier race left are removed first (the earliest is kept).
DELETE FROM `deal_activities` WHERE `kind` = 'email_captured' AND json_extract(`metadata`, '$.messageId') IS NOT NULL AND rowid NOT IN (SELECT min(rowid) FROM `deal_activities` WHERE `kind` = 'email_captured' GROUP BY `deal_id`, json_extract(`metadata`, '$.messageId'));--> statement-breakpoint
CREATE UNIQUE INDEX `deal_activities_email_message` ON `deal_activities` (`deal_id`, json_extract(`metadata`, '$.messageId')) WHERE kind = 'email_captured';
