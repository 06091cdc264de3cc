import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { PLAN_IDS } from "../../../shared/plans";
import { createdAt, time, updatedAt } from "./columns";
import { workspaces } from "./workspaces";

export const subscriptions = sqliteTable(
  "subscriptions",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .unique()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    stripeCustomerId: text("stripe_customer_id").unique(),
    stripeSubscriptionId: text("stripe_subscription_id").unique(),
    plan: text("plan", { enum: PLAN_IDS }).notNull(),
    status: text("status").notNull(),
    currentPeriodEnd: time("current_period_end"),
    cancelAtPeriodEnd: integer("cancel_at_period_end", { mode: "boolean" })
      .notNull()
      .default(false),
    trialEndsAt: time("trial_ends_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("subscriptions_trial").on(t.status, t.trialEndsAt)],
);

/** Each Stripe event id is processed once, whatever Stripe redelivers. */
export const stripeEvents = sqliteTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  processedAt: createdAt(),
});
