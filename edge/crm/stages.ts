/**
 * The pipeline's stages: the workspace's own names and order, each of a kind (open, won, paid,
 * lost) that totals, follow-ups and reminders key on. Owners and admins change them as one
 * ordered list: rename, reorder, add and remove, in one batch.
 */
import { asc, count, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { z } from "zod";
import {
  CLOSED_STAGE_KINDS,
  type putStagesSchema,
  STAGE_KINDS,
  type Stage,
} from "../../shared/crm";
import type { ApiIssue } from "../../shared/envelope";
import { roleAtLeast } from "../../shared/roles";
import { audit } from "../db/audit";
import { dealStages, deals, followups } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { ApiError, forbidden } from "../errors";
import { newId } from "../lib/ids";

export type StageRow = typeof dealStages.$inferSelect;
export type StagesInput = z.output<typeof putStagesSchema>;

export function stageView(row: StageRow): Stage {
  return { id: row.id, name: row.name, kind: row.kind, position: row.position };
}

/** The workspace's stages in pipeline order (positions are unique: every write renumbers them). */
export async function stageRows(ctx: WorkspaceContext): Promise<StageRow[]> {
  return (await ctx.scope.select(dealStages).orderBy(asc(dealStages.position))) as StageRow[];
}

export async function listStages(ctx: WorkspaceContext): Promise<Stage[]> {
  return (await stageRows(ctx)).map(stageView);
}

/** A write failed because a row it names (a stage being removed, say) was deleted meanwhile. */
export function isForeignKeyViolation(error: unknown): boolean {
  return [error, (error as { cause?: unknown } | undefined)?.cause].some((e) =>
    String(e).includes("FOREIGN KEY constraint failed"),
  );
}

const nameKey = (name: string) => name.normalize("NFC").toLowerCase();

function validationFailure(issues: ApiIssue[]): ApiError {
  const summary = issues
    .slice(0, 3)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join("; ");
  return new ApiError(400, "VALIDATION_ERROR", `Invalid pipeline — ${summary}`, issues);
}

/** What is wrong with the list itself, before anything is read: kinds and names. */
function listIssues(wanted: StagesInput["stages"]): ApiIssue[] {
  const issues: ApiIssue[] = [];
  const kinds = new Set(wanted.map((stage) => stage.kind));
  for (const kind of STAGE_KINDS) {
    if (!kinds.has(kind)) {
      issues.push({ path: "stages", message: `Keep at least one stage of kind "${kind}"` });
    }
  }
  const names = new Map<string, number>();
  wanted.forEach((stage, index) => {
    const first = names.get(nameKey(stage.name));
    if (first === undefined) names.set(nameKey(stage.name), index);
    else {
      issues.push({
        path: `stages.${index}.name`,
        message: `"${stage.name}" is already the name of stage ${first + 1}`,
      });
    }
  });
  return issues;
}

/**
 * Replaces the pipeline with `input.stages`, in that order: a stage with an `id` is kept
 * (renamed, moved, its kind changed), one without is added, one missing from the list removed.
 * Deleted (restorable) deals of a removed stage move to the first stage of the same kind, so a
 * restore always lands in a stage that exists. Answers the new pipeline.
 * @throws ApiError 403 FORBIDDEN (members), 400 VALIDATION_ERROR (a kind left without stages,
 *   duplicate names, unknown or repeated ids), 409 CONFLICT (a removed stage holds live deals)
 */
export async function replaceStages(ctx: WorkspaceContext, input: StagesInput): Promise<Stage[]> {
  const role = ctx.workspace.role;
  if (!role || !roleAtLeast(role, "admin")) {
    throw forbidden("Only owners and admins can change the pipeline's stages");
  }
  const wanted = input.stages;
  const issues = listIssues(wanted);
  const current = await stageRows(ctx);
  const currentById = new Map(current.map((stage) => [stage.id, stage]));
  const kept = new Set<string>();
  wanted.forEach((stage, index) => {
    if (stage.id === undefined) return;
    if (!currentById.has(stage.id)) {
      issues.push({ path: `stages.${index}.id`, message: "No stage with this id in the pipeline" });
    } else if (kept.has(stage.id)) {
      issues.push({ path: `stages.${index}.id`, message: "This stage is listed twice" });
    }
    kept.add(stage.id);
  });
  if (issues.length) throw validationFailure(issues);

  const removed = current.filter((stage) => !kept.has(stage.id));
  if (removed.length) await refuseIfHoldingDeals(ctx, removed);

  const now = new Date();
  const stages: Stage[] = wanted.map((stage, position) => ({
    id: stage.id ?? newId("stg"),
    name: stage.name,
    kind: stage.kind,
    position,
  }));
  const added = stages.filter((_, index) => wanted[index]?.id === undefined);
  const { scope } = ctx;
  const writes: BatchItem<"sqlite">[] = [
    pipelineUnchangedSince(ctx, current),
    // D1 binds at most 100 parameters a statement: 5 columns a stage, so 20 stages an insert.
    ...chunks(added, 20).map((rows) => scope.insert(dealStages, rows)),
    ...stages
      .filter((stage) => kept.has(stage.id))
      .map((stage) =>
        scope.update(
          dealStages,
          { name: stage.name, kind: stage.kind, position: stage.position, updatedAt: now },
          eq(dealStages.id, stage.id),
        ),
      ),
    ...removed.map((stage) => {
      const home = stages.find((s) => s.kind === stage.kind) ?? stages[0];
      return scope.update(
        deals,
        { stageId: home?.id },
        eq(deals.stageId, stage.id),
        isNotNull(deals.deletedAt),
      );
    }),
    // A stage that becomes paid or lost closes its deals: their pending follow-ups are cancelled,
    // as when a deal is moved into such a stage (followups.ts).
    ...stages
      .filter((stage) => {
        const before = currentById.get(stage.id)?.kind;
        return before && !CLOSED_STAGE_KINDS.has(before) && CLOSED_STAGE_KINDS.has(stage.kind);
      })
      .map((stage) =>
        scope.update(
          followups,
          { status: "cancelled", updatedAt: now },
          eq(followups.status, "pending"),
          inArray(
            followups.dealId,
            ctx.db
              .select({ id: deals.id })
              .from(deals)
              .where(scope.where(deals, eq(deals.stageId, stage.id))),
          ),
        ),
      ),
    ...(removed.length
      ? [
          scope.delete(
            dealStages,
            inArray(
              dealStages.id,
              removed.map((stage) => stage.id),
            ),
          ),
        ]
      : []),
    audit(scope, {
      actorId: ctx.user?.id ?? null,
      action: "pipeline.updated",
      targetType: "workspace",
      targetId: ctx.workspace.id,
      metadata: {
        stages: stages.map((stage) => stage.name),
        added: added.map((stage) => stage.name),
        removed: removed.map((stage) => stage.name),
      },
    }),
  ];
  try {
    await ctx.db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (error) {
    if (String(error).includes("NOT NULL constraint failed: deal_stages.id")) {
      throw new ApiError(
        409,
        "CONFLICT",
        "Someone changed the pipeline while you were editing it. Reload the stages and try again.",
      );
    }
    // A deal moved into a removed stage after the check: the stage's foreign key refuses the
    // delete and the whole batch rolls back.
    if (isForeignKeyViolation(error)) await refuseIfHoldingDeals(ctx, removed);
    throw error;
  }
  return stages;
}

/** @throws ApiError 409 CONFLICT naming each stage of `stages` that holds live deals */
async function refuseIfHoldingDeals(ctx: WorkspaceContext, stages: StageRow[]) {
  const holding = await ctx.db
    .select({ stageId: deals.stageId, deals: count() })
    .from(deals)
    .where(
      ctx.scope.where(
        deals,
        inArray(
          deals.stageId,
          stages.map((stage) => stage.id),
        ),
        isNull(deals.deletedAt),
      ),
    )
    .groupBy(deals.stageId);
  if (!holding.length) return;
  const named = holding.map((row) => ({
    id: row.stageId,
    name: stages.find((stage) => stage.id === row.stageId)?.name ?? "",
    deals: row.deals,
  }));
  const words = named
    .map((stage) => `"${stage.name}" holds ${stage.deals} deal${stage.deals === 1 ? "" : "s"}`)
    .join("; ");
  throw new ApiError(
    409,
    "CONFLICT",
    `${words}: move the deals to another stage first`,
    undefined,
    undefined,
    { stages: named },
  );
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    out.push(items.slice(start, start + size));
  return out;
}

/**
 * The batch's first statement: it fails the whole batch (inserting a stage without an id) when
 * the pipeline is no longer the one `current` read — another admin saved in between — so two
 * edits never interleave into a pipeline neither of them asked for (a kind without a stage,
 * two stages at one position). Every save touches `updated_at` of the stages it keeps.
 */
function pipelineUnchangedSince(ctx: WorkspaceContext, current: StageRow[]) {
  const { scope, db } = ctx;
  const lastUpdate = Math.max(0, ...current.map((stage) => stage.updatedAt.getTime()));
  const changed = sql`(${scope.count(dealStages)} <> ${current.length} OR (SELECT max(${dealStages.updatedAt}) FROM ${dealStages} WHERE ${scope.where(dealStages)}) <> ${lastUpdate})`;
  return db.insert(dealStages).select(
    db
      .select({
        id: sql<string>`NULL`.as("id"),
        workspaceId: dealStages.workspaceId,
        name: dealStages.name,
        kind: dealStages.kind,
        position: dealStages.position,
        createdAt: dealStages.createdAt,
        updatedAt: dealStages.updatedAt,
      })
      .from(dealStages)
      .where(scope.where(dealStages, changed))
      .limit(1),
  );
}
