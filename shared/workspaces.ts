import { z } from "zod";
import { emailSchema } from "./auth";
import { idSchema } from "./ids";
import { roleSchema } from "./roles";

export const workspaceNameSchema = z.string().trim().min(1).max(80);

export const brandVoiceSchema = z.object({
  description: z.string().trim().max(1000).default(""),
  samples: z.array(z.string().trim().min(1).max(3000)).max(5).default([]),
});
export type BrandVoice = z.infer<typeof brandVoiceSchema>;

export const workspaceSettingsSchema = z.object({
  timezone: z.string().trim().min(1).max(64).optional(),
  defaultPlatforms: z.array(z.string().max(32)).max(10).optional(),
  weekStartsOn: z.union([z.literal(0), z.literal(1)]).optional(),
});
export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;

export const createWorkspaceSchema = z.object({ name: workspaceNameSchema });

export const updateWorkspaceSchema = z
  .object({
    name: workspaceNameSchema.optional(),
    brandVoice: brandVoiceSchema.optional(),
    settings: workspaceSettingsSchema.optional(),
  })
  .refine((v) => Object.values(v).some((field) => field !== undefined), {
    message: "Send at least one of name, brandVoice, settings",
  });

export const workspaceParamSchema = z.object({ id: idSchema });
export const memberParamSchema = z.object({ id: idSchema, userId: idSchema });
export const invitationParamSchema = z.object({ id: idSchema, invitationId: idSchema });

export const updateMemberSchema = z.object({ role: roleSchema });

export const createInvitationSchema = z.object({
  email: emailSchema,
  // Ownership is handed over by changing a member's role, never by invitation.
  role: z.enum(["admin", "member"]).default("member"),
});

export const acceptInvitationSchema = z.object({ token: z.string().min(20).max(200) });

/** Header that picks the workspace for the flat workspace-scoped routes. */
export const WORKSPACE_HEADER = "X-Workspace-Id";
