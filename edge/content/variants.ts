/** A content item's platform variants: listing, a person's edits, deleting one. */
import { eq } from "drizzle-orm";
import type { PlatformId } from "../../shared/platforms";
import { listVariants, variantView } from "../db/content";
import { contentVariants } from "../db/schema";
import type { WorkspaceContext } from "../db/workspace-context";
import { notFound } from "../errors";
import { requireContent } from "./plan";
import { acceptPersonEdit } from "./platform-rules";

/** Every variant of a live item, as a list page (`nextCursor` is null: one page holds all). */
export async function variantsOf(ctx: WorkspaceContext, contentId: string) {
  const item = await requireContent(ctx, contentId);
  const rows = await listVariants(ctx.scope, item.id);
  return { items: rows.map(variantView), nextCursor: null };
}

/**
 * A person's edit, checked like any AI variant; the variant is then marked `person`, so a
 * later repurposing run leaves it alone unless asked to replace it.
 * @throws ApiError 404 NOT_FOUND, 400 RULE_VIOLATION
 */
export async function editVariant(
  ctx: WorkspaceContext,
  contentId: string,
  variantId: string,
  edit: { body?: string; parts?: string[] },
) {
  const { scope } = ctx;
  await requireContent(ctx, contentId);
  const [variant] = await scope
    .select(
      contentVariants,
      eq(contentVariants.id, variantId),
      eq(contentVariants.contentId, contentId),
    )
    .limit(1);
  if (!variant) throw notFound("Variant not found");
  const draft = acceptPersonEdit(variant.platform as PlatformId, edit);
  const [updated] = await scope
    .update(
      contentVariants,
      {
        body: draft.body,
        parts: draft.parts ?? null,
        generatedBy: "person",
        updatedAt: new Date(),
      },
      eq(contentVariants.id, variantId),
    )
    .returning();
  if (!updated) throw notFound("Variant not found");
  return variantView(updated);
}

/** @throws ApiError 404 NOT_FOUND */
export async function deleteVariant(ctx: WorkspaceContext, contentId: string, variantId: string) {
  // A deleted item's variants wait, untouched, for its restore.
  await requireContent(ctx, contentId);
  const [deleted] = await ctx.scope
    .delete(
      contentVariants,
      eq(contentVariants.id, variantId),
      eq(contentVariants.contentId, contentId),
    )
    .returning({ id: contentVariants.id });
  if (!deleted) throw notFound("Variant not found");
  return { id: deleted.id, deleted: true as const };
}
