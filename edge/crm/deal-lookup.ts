/** Finding one deal of the workspace, with the kind of the stage it is in (for `stale`). */
import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { StageKind } from "../../shared/crm";
import { dealStages, deals } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { notFound } from "../errors";
import type { DealRow } from "./deal-view";

export interface FoundDeal {
  deal: DealRow;
  stageKind: StageKind | null;
}

async function findDeal(ctx: WorkspaceContext, id: string, deleted: boolean) {
  const [found] = await ctx.db
    .select({ deal: deals, stageKind: dealStages.kind })
    .from(deals)
    .leftJoin(dealStages, eq(dealStages.id, deals.stageId))
    .where(
      ctx.scope.where(
        deals,
        and(eq(deals.id, id), deleted ? isNotNull(deals.deletedAt) : isNull(deals.deletedAt)),
      ),
    )
    .limit(1);
  return found as FoundDeal | undefined;
}

/** A live deal of this workspace. @throws ApiError 404 NOT_FOUND */
export async function requireDeal(ctx: WorkspaceContext, id: string): Promise<FoundDeal> {
  const found = await findDeal(ctx, id, false);
  if (!found) throw notFound("Deal not found");
  return found;
}

/** A deleted (restorable or not yet purged) deal of this workspace, or undefined. */
export function findDeletedDeal(ctx: WorkspaceContext, id: string) {
  return findDeal(ctx, id, true);
}
