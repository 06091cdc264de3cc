/**
 * Deals: creating one by hand, reading, changing its fields and moving it through the pipeline
 * (each move and each correction of an extracted field recorded as an activity), deleting it
 * softly and restoring it within 30 days.
 */
import { eq, inArray, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { CLOSED_STAGE_KINDS, type FieldOrigin } from "../../shared/crm";
import type { ApiIssue } from "../../shared/envelope";
import { contentItems, deals, sponsors, workspaceMembers } from "../db/schema";
import { isUniqueViolation } from "../db/unique";
import type { WorkspaceContext } from "../db/workspace-context";
import { ApiError, notFound } from "../errors";
import { newId } from "../lib/ids";
import { type ActivityEntry, activityInsert } from "./activities";
import { findDeletedDeal, requireDeal } from "./deal-lookup";
import {
  DEAL_FIELDS,
  type DealField,
  type DealFields,
  type DealInput,
  type DealRow,
  dealColumns,
  dealView,
  fieldValueView,
  sameValue,
} from "./deal-view";
import { cancelPendingFollowups } from "./followups";
import { isForeignKeyViolation, type StageRow, stageRows } from "./stages";

/** How long a deleted deal can still be restored; housekeeping purges it after. */
export const DEAL_RESTORE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

const BY_PERSON: FieldOrigin = { source: "person", confidence: 1 };

function invalid(issues: ApiIssue[]): ApiError {
  const summary = issues
    .slice(0, 3)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join("; ");
  return new ApiError(400, "VALIDATION_ERROR", `Invalid input — ${summary}`, issues);
}

/** A write raced with the removal of the stage (or another row) it names. */
const pipelineChanged = () =>
  new ApiError(409, "CONFLICT", "The pipeline changed while saving this deal: reload and retry");

/**
 * The sponsor, owner and deliverables' content items `fields` name (and `existing` does not
 * already hold) that are not this workspace's — each as an issue naming its field, so a
 * foreign or unknown id is a 400, never a foreign-key failure.
 */
async function referenceIssues(
  ctx: WorkspaceContext,
  fields: DealFields,
  existing?: DealRow,
): Promise<ApiIssue[]> {
  const { db, scope } = ctx;
  const { sponsorId, ownerId } = fields;
  const storedContent = new Set(existing?.deliverables.map((d) => d.contentId));
  const contentIds = (fields.deliverables ?? []).flatMap((deliverable, index) =>
    deliverable.contentId && !storedContent.has(deliverable.contentId)
      ? [{ id: deliverable.contentId, index }]
      : [],
  );
  const [sponsor, owner, content] = await Promise.all([
    sponsorId && sponsorId !== existing?.sponsorId
      ? db
          .select({ id: sponsors.id })
          .from(sponsors)
          .where(scope.where(sponsors, eq(sponsors.id, sponsorId), isNull(sponsors.deletedAt)))
          .limit(1)
      : undefined,
    ownerId && ownerId !== existing?.ownerId
      ? db
          .select({ id: workspaceMembers.userId })
          .from(workspaceMembers)
          .where(scope.where(workspaceMembers, eq(workspaceMembers.userId, ownerId)))
          .limit(1)
      : undefined,
    contentIds.length
      ? db
          .select({ id: contentItems.id })
          .from(contentItems)
          .where(
            scope.where(
              contentItems,
              inArray(
                contentItems.id,
                contentIds.map((entry) => entry.id),
              ),
              isNull(contentItems.deletedAt),
            ),
          )
      : undefined,
  ]);
  const issues: ApiIssue[] = [];
  if (sponsor && !sponsor.length) {
    issues.push({ path: "sponsorId", message: "No sponsor with this id in this workspace" });
  }
  if (owner && !owner.length) {
    issues.push({ path: "ownerId", message: "The owner must be a member of this workspace" });
  }
  const found = new Set(content?.map((row) => row.id));
  for (const entry of contentIds) {
    if (!found.has(entry.id)) {
      issues.push({
        path: `deliverables.${entry.index}.contentId`,
        message: "No content item with this id in this workspace",
      });
    }
  }
  return issues;
}

const unknownStage = { path: "stageId", message: "No stage with this id in the pipeline" };

/** A live deal with `stale`. @throws ApiError 404 NOT_FOUND */
export async function getDeal(ctx: WorkspaceContext, id: string) {
  const { deal, stageKind } = await requireDeal(ctx, id);
  return dealView(deal, stageKind);
}

/**
 * Creates a deal by hand: in `stageId` or the pipeline's first stage, in USD unless told, owned
 * by its creator unless told. Every field given is marked as set by a person.
 * @throws ApiError 400 VALIDATION_ERROR (a stage, sponsor, owner or content item that is not
 *   this workspace's), 409 CONFLICT (the stage was removed while saving)
 */
export async function createDeal(ctx: WorkspaceContext, input: DealInput) {
  const [stages, issues] = await Promise.all([stageRows(ctx), referenceIssues(ctx, input)]);
  const stage = input.stageId ? stages.find((s) => s.id === input.stageId) : stages[0];
  if (!stage && input.stageId) issues.push(unknownStage);
  if (issues.length) throw invalid(issues);
  if (!stage) throw pipelineChanged();

  const now = new Date();
  const fieldSources = Object.fromEntries(
    DEAL_FIELDS.filter((field) => input[field] !== undefined).map((field) => [field, BY_PERSON]),
  );
  try {
    const [row] = await ctx.scope
      .insert(deals, {
        id: newId("deal"),
        ...dealColumns(input),
        stageId: stage.id,
        title: input.title,
        currency: input.currency ?? "USD",
        ownerId: input.ownerId === undefined ? (ctx.user?.id ?? null) : input.ownerId,
        source: "manual",
        fieldSources,
        lastActivityAt: now,
        createdBy: ctx.user?.id ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const created = row as DealRow;
    // The sponsor was checked before the insert; if it was deleted in between (its delete saw
    // no deal yet), this deal would hang on a deleted sponsor: take it back and say so.
    if (created.sponsorId && !(await sponsorIsLive(ctx, created.sponsorId))) {
      await ctx.scope.delete(deals, eq(deals.id, created.id));
      throw sponsorGone();
    }
    return dealView(created, stage.kind, now.getTime());
  } catch (error) {
    if (isForeignKeyViolation(error)) throw pipelineChanged();
    throw error;
  }
}

function stageChange(from: StageRow | undefined, to: StageRow): ActivityEntry {
  return {
    kind: "stage_change",
    body: `${from?.name ?? "No stage"} → ${to.name}`,
    metadata: {
      fromStageId: from?.id ?? null,
      fromStageName: from?.name ?? null,
      fromKind: from?.kind ?? null,
      toStageId: to.id,
      toStageName: to.name,
      toKind: to.kind,
    },
  };
}

/**
 * Changes the fields given. Each field whose value changes becomes the person's
 * (`fieldSources[field] = person`, never overwritten by a later extraction); one that came from
 * the AI or the heuristic records a `field_corrected` activity; a new stage records a
 * `stage_change` with both stages' ids and names. Entering a `paid` or `lost` stage cancels the
 * deal's pending follow-ups.
 * @throws ApiError 404 NOT_FOUND, 400 VALIDATION_ERROR (references, as for creation),
 *   409 CONFLICT (the new stage was removed while saving)
 */
export async function updateDeal(ctx: WorkspaceContext, id: string, changes: DealFields) {
  const { deal, stageKind } = await requireDeal(ctx, id);
  const moves = changes.stageId !== undefined && changes.stageId !== deal.stageId;
  const [stages, issues] = await Promise.all([
    moves ? stageRows(ctx) : undefined,
    referenceIssues(ctx, changes, deal),
  ]);
  const to = moves ? stages?.find((s) => s.id === changes.stageId) : undefined;
  if (moves && !to) issues.push(unknownStage);
  if (issues.length) throw invalid(issues);

  const columns = dealColumns(changes, deal);
  const changed = DEAL_FIELDS.filter(
    (field) => columns[field] !== undefined && !sameValue(columns[field], deal[field]),
  );
  if (!changed.length) return dealView(deal, stageKind);

  const now = new Date();
  const fieldSources = { ...deal.fieldSources };
  const entries: ActivityEntry[] = [];
  if (to)
    entries.push(
      stageChange(
        stages?.find((s) => s.id === deal.stageId),
        to,
      ),
    );
  for (const field of changed) {
    const previous = deal.fieldSources[field];
    if (previous && previous.source !== "person") entries.push(correction(field, deal, columns));
    fieldSources[field] = BY_PERSON;
  }
  const set = Object.fromEntries(changed.map((field) => [field, columns[field]]));
  // A deal that is paid or lost needs no more follow-ups.
  const cancels =
    to && CLOSED_STAGE_KINDS.has(to.kind)
      ? await cancelPendingFollowups(ctx, deal.id, to.name, now)
      : [];
  try {
    const [[updated]] = await ctx.db.batch([
      ctx.scope
        .update(
          deals,
          {
            ...set,
            fieldSources,
            updatedAt: now,
            ...(entries.length ? { lastActivityAt: now } : {}),
          },
          eq(deals.id, deal.id),
        )
        .returning(),
      ...(entries.map((entry) =>
        activityInsert(ctx, deal.id, entry, now),
      ) as BatchItem<"sqlite">[]),
      ...cancels,
    ]);
    if (!updated) throw notFound("Deal not found");
    return dealView(updated as DealRow, to ? to.kind : stageKind, now.getTime());
  } catch (error) {
    if (isForeignKeyViolation(error)) throw pipelineChanged();
    throw error;
  }
}

function correction(
  field: DealField,
  deal: DealRow,
  columns: Parameters<typeof fieldValueView>[1],
): ActivityEntry {
  const previous = deal.fieldSources[field];
  return {
    kind: "field_corrected",
    body: `Corrected ${field} (read by ${previous?.source === "ai" ? "the AI" : "the heuristic"})`,
    metadata: {
      field,
      previousSource: previous?.source ?? null,
      previousConfidence: previous?.confidence ?? null,
      from: fieldValueView(field, deal),
      to: fieldValueView(field, columns),
    },
  };
}

/** Soft delete: restorable for 30 days. @throws ApiError 404 NOT_FOUND */
export async function deleteDeal(ctx: WorkspaceContext, id: string) {
  const { deal } = await requireDeal(ctx, id);
  const deletedAt = new Date();
  await ctx.scope.update(deals, { deletedAt, updatedAt: deletedAt }, eq(deals.id, deal.id));
  return {
    id: deal.id,
    deletedAt: deletedAt.toISOString(),
    restoreUntil: new Date(deletedAt.getTime() + DEAL_RESTORE_WINDOW_MS).toISOString(),
  };
}

/**
 * Undoes a delete within 30 days.
 * @throws ApiError 404 NOT_FOUND, 400 RESTORE_WINDOW_PASSED, 409 CONFLICT (its email was
 *   captured again since: the newer deal holds the message id)
 */
export async function restoreDeal(ctx: WorkspaceContext, id: string) {
  const found = await findDeletedDeal(ctx, id);
  const deletedAt = found?.deal.deletedAt;
  if (!found || !deletedAt) throw notFound("No deleted deal with this id");
  if (Date.now() - deletedAt.getTime() > DEAL_RESTORE_WINDOW_MS) {
    throw new ApiError(400, "RESTORE_WINDOW_PASSED", "Deleted deals can be restored for 30 days");
  }
  const sponsorId = found.deal.sponsorId;
  try {
    const [restored] = await ctx.scope
      .update(
        deals,
        { deletedAt: null, updatedAt: new Date() },
        eq(deals.id, found.deal.id),
        // A deal comes back only to a live sponsor (checked in the same statement).
        sponsorId
          ? sql`${ctx.scope.count(sponsors, eq(sponsors.id, sponsorId), isNull(sponsors.deletedAt))} = 1`
          : undefined,
      )
      .returning();
    if (!restored && sponsorId && !(await sponsorIsLive(ctx, sponsorId))) throw sponsorGone();
    if (!restored) throw notFound("No deleted deal with this id");
    return dealView(restored as DealRow, found.stageKind);
  } catch (error) {
    if (isUniqueViolation(error, "deals")) {
      throw new ApiError(
        409,
        "CONFLICT",
        "This deal's email was captured again since; the newer deal is kept",
      );
    }
    throw error;
  }
}

/** True while the sponsor exists and is not deleted. */
async function sponsorIsLive(ctx: WorkspaceContext, sponsorId: string): Promise<boolean> {
  const [row] = await ctx.scope
    .select(sponsors, eq(sponsors.id, sponsorId), isNull(sponsors.deletedAt))
    .limit(1);
  return row !== undefined;
}

const sponsorGone = () =>
  new ApiError(
    409,
    "CONFLICT",
    "This deal's sponsor was deleted: restore the sponsor first, or create the deal without it",
    [{ path: "sponsorId", message: "The sponsor was deleted" }],
  );
