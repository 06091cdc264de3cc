/**
 * The migrations in migrations/ build exactly the schema edge/db/schema.ts describes (tables,
 * columns, indexes, foreign keys), apply once and only once, and the demo seed can run any
 * number of times with the same result.
 */
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { is } from "drizzle-orm";
import { getTableConfig, SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { DEFAULT_STAGES } from "../../shared/crm";
import { createDb } from "../db/client";
import { dueFollowups } from "../db/cross-workspace";
import * as schema from "../db/schema";
import { DEMO_EMAIL, DEMO_PASSWORD, demoSeedStatements } from "../db/seed";
import { api, uniqueIp } from "./helpers";

const schemaTables = Object.values(schema as Record<string, unknown>)
  .filter((value): value is SQLiteTable => is(value, SQLiteTable))
  .map((table) => getTableConfig(table));

/** `Object.groupBy`, which the worker's ES2023 lib does not declare. */
function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()];
}

const all = async <T>(sql: string, ...params: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;

/** Our tables in the database: not SQLite's, D1's or the migration bookkeeping. */
const databaseTables = async () =>
  (
    await all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations' ORDER BY name",
    )
  ).map((row) => row.name);

/** Every row of every table, in a stable order. */
async function snapshotAllTables() {
  const snapshot: Record<string, unknown[]> = {};
  for (const table of await databaseTables()) {
    const columns = await all<{ name: string }>(`PRAGMA table_info(${table})`);
    const orderBy = columns.map((_, index) => index + 1).join(", ");
    snapshot[table] = await all(`SELECT * FROM ${table} ORDER BY ${orderBy}`);
  }
  return snapshot;
}

async function runSeed() {
  const statements = await demoSeedStatements();
  await env.DB.batch(statements.map((statement) => env.DB.prepare(statement)));
  return statements.length;
}

describe("migrations", () => {
  it("create every table of edge/db/schema.ts, and no others", async () => {
    expect(schemaTables.length).toBeGreaterThan(10);
    expect(await databaseTables()).toEqual(schemaTables.map((table) => table.name).sort());
  });

  it("give every table the columns of schema.ts (name, type, NOT NULL, primary key)", async () => {
    for (const table of schemaTables) {
      const compositeKey = new Set(
        table.primaryKeys.flatMap((key) => key.columns.map((column) => column.name)),
      );
      const expected = table.columns
        .map((column) => ({
          name: column.name,
          type: column.getSQLType().toLowerCase(),
          notNull: column.notNull,
          primaryKey: column.primary || compositeKey.has(column.name),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const actual = (
        await all<{ name: string; type: string; notnull: number; pk: number }>(
          `PRAGMA table_info(${table.name})`,
        )
      )
        .map((column) => ({
          name: column.name,
          type: column.type.toLowerCase(),
          notNull: column.notnull === 1,
          primaryKey: column.pk > 0,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      expect(
        actual,
        `columns of ${table.name}: regenerate the migration (npm run db:generate)`,
      ).toEqual(expected);
    }
  });

  it("create every index of schema.ts with its columns, uniqueness and partial condition", async () => {
    for (const table of schemaTables) {
      const declared = table.indexes.map((index) => ({
        name: index.config.name,
        columns: index.config.columns.map((column) =>
          is(column, SQLiteColumn) ? column.name : "<expression>",
        ),
        unique: index.config.unique,
        partial: index.config.where !== undefined,
      }));
      // Column-level .unique() becomes a named unique index in the migration.
      const columnUniques = table.columns
        .filter((column) => column.isUnique)
        .map((column) => ({
          name: column.uniqueName ?? `${table.name}_${column.name}_unique`,
          columns: [column.name],
          unique: true,
          partial: false,
        }));
      const expected = [...declared, ...columnUniques].sort((a, b) => a.name.localeCompare(b.name));

      const list = await all<{ name: string; unique: number; origin: string; partial: number }>(
        `PRAGMA index_list(${table.name})`,
      );
      const actual = [];
      // origin 'c' = CREATE INDEX; 'pk' and 'u' are SQLite's own autoindexes for constraints.
      for (const index of list.filter((entry) => entry.origin === "c")) {
        const columns = await all<{ seqno: number; name: string | null }>(
          `PRAGMA index_info(${index.name})`,
        );
        actual.push({
          name: index.name,
          // SQLite names an expression column null (json_extract(…) in an index).
          columns: columns
            .sort((a, b) => a.seqno - b.seqno)
            .map((column) => column.name ?? "<expression>"),
          unique: index.unique === 1,
          partial: index.partial === 1,
        });
      }
      actual.sort((a, b) => a.name.localeCompare(b.name));
      expect(
        actual,
        `indexes of ${table.name}: regenerate the migration (npm run db:generate)`,
      ).toEqual(expected);
    }
  });

  it("create every foreign key of schema.ts with its ON DELETE action", async () => {
    for (const table of schemaTables) {
      const expected = table.foreignKeys
        .map((key) => {
          const reference = key.reference();
          return {
            from: reference.columns.map((column) => column.name).join(","),
            table: getTableConfig(reference.foreignTable).name,
            to: reference.foreignColumns.map((column) => column.name).join(","),
            onDelete: (key.onDelete ?? "no action").toUpperCase(),
          };
        })
        .sort((a, b) => a.from.localeCompare(b.from));
      const rows = await all<{
        id: number;
        from: string;
        table: string;
        to: string;
        on_delete: string;
      }>(`PRAGMA foreign_key_list(${table.name})`);
      const actual = groupBy(rows, (row) => String(row.id))
        .map((parts) => ({
          from: parts.map((part) => part.from).join(","),
          table: parts[0]?.table ?? "",
          to: parts.map((part) => part.to).join(","),
          onDelete: parts[0]?.on_delete ?? "",
        }))
        .sort((a, b) => a.from.localeCompare(b.from));
      expect(actual, `foreign keys of ${table.name}`).toEqual(expected);
    }
  });

  it("leave no foreign key violations", async () => {
    expect(await all("PRAGMA foreign_key_check")).toEqual([]);
  });

  it("recorded every migration file once", async () => {
    const applied = await all<{ name: string }>("SELECT name FROM d1_migrations ORDER BY id");
    expect(applied.map((row) => row.name)).toEqual(
      env.TEST_MIGRATIONS.map((migration) => migration.name),
    );
  });

  it("are a no-op when applied again", async () => {
    const schemaSql = () =>
      all("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
    const before = {
      schema: await schemaSql(),
      applied: await all("SELECT * FROM d1_migrations ORDER BY id"),
    };
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
    const after = {
      schema: await schemaSql(),
      applied: await all("SELECT * FROM d1_migrations ORDER BY id"),
    };
    expect(after).toEqual(before);
  });
});

describe("demo seed", () => {
  it("runs twice with the same result, and the demo user can sign in to the demo workspace", async () => {
    const empty = await snapshotAllTables();
    expect(empty.users, "this file starts from an empty database").toEqual([]);

    const count = await runSeed();
    expect(count).toBeGreaterThan(0);
    const first = await snapshotAllTables();
    for (const table of [
      "users",
      "workspaces",
      "workspace_members",
      "content_items",
      "sponsors",
      "deals",
    ]) {
      expect(first[table]?.length, `seeded ${table}`).toBeGreaterThan(0);
    }
    expect(await all("PRAGMA foreign_key_check")).toEqual([]);

    await runSeed();
    expect(await snapshotAllTables()).toEqual(first);

    const signin = await api("/api/auth/signin", {
      body: { email: DEMO_EMAIL, password: DEMO_PASSWORD, client: "api" },
      headers: { "CF-Connecting-IP": uniqueIp() },
    });
    expect(signin.status, JSON.stringify(signin.body)).toBe(200);
    const token = signin.body.data.token as string;

    const me = await api("/api/auth/me", { token });
    expect(me.status).toBe(200);
    expect(me.body.data.user.email).toBe(DEMO_EMAIL);
    expect(me.body.data.workspaces).toHaveLength(1);
    const workspace = me.body.data.workspaces[0];
    expect(workspace).toMatchObject({ role: "owner" });

    const detail = await api(`/api/workspaces/${workspace.id}`, { token });
    expect(detail.status).toBe(200);
    expect(detail.body.data.name).toBe(workspace.name);
    const members = await api(`/api/workspaces/${workspace.id}/members`, { token });
    expect(members.body.data.map((member: { email: string }) => member.email)).toEqual([
      DEMO_EMAIL,
    ]);
  });

  it("runs again after the app has been used without touching anything", async () => {
    const signin = await api("/api/auth/signin", {
      body: { email: DEMO_EMAIL, password: DEMO_PASSWORD, client: "api" },
      headers: { "CF-Connecting-IP": uniqueIp() },
    });
    expect(signin.status, JSON.stringify(signin.body)).toBe(200);
    const token = signin.body.data.token as string;
    const [workspace] = (await api("/api/workspaces", { token })).body.data;
    const renamed = await api(`/api/workspaces/${workspace.id}`, {
      method: "PATCH",
      token,
      body: { name: "Renamed by the creator" },
    });
    expect(renamed.status).toBe(200);

    const before = await snapshotAllTables();
    await runSeed();
    expect(await snapshotAllTables()).toEqual(before);
    const detail = await api(`/api/workspaces/${workspace.id}`, { token });
    expect(detail.body.data.name).toBe("Renamed by the creator");
  });
});

describe("0002_crm_pipeline converts the CRM data already there", () => {
  it("gives every workspace the default stages and moves deals, deliverables and sponsors to the new shape", async () => {
    const db = env.MIGRATION_DB;
    const crm = env.TEST_MIGRATIONS.findIndex((migration) => migration.name.startsWith("0002_"));
    expect(crm).toBeGreaterThan(0);
    await applyD1Migrations(db, env.TEST_MIGRATIONS.slice(0, crm));
    const before = Date.UTC(2026, 9, 1);
    await db.batch([
      db.prepare("INSERT INTO users (id, email) VALUES ('usr_m', 'm@example.com')"),
      db.prepare("INSERT INTO workspaces (id, name) VALUES ('ws_m1', 'One'), ('ws_m2', 'Two')"),
      db.prepare(
        "INSERT INTO sponsors (id, workspace_id, brand, domain) VALUES ('spn_m', 'ws_m1', 'Acme', 'acme.example')",
      ),
      db
        .prepare(
          `INSERT INTO deals (id, workspace_id, sponsor_id, title, stage, deliverables, due_at, close_at, source)
         VALUES ('deal_m1', 'ws_m1', 'spn_m', 'Headphones', 'negotiating', '["60-second read","Link for 30 days"]', ?, ?, 'extension'),
                ('deal_m2', 'ws_m2', NULL, 'Paid one', 'paid', '[]', NULL, NULL, 'email')`,
        )
        .bind(before + 86_400_000, before),
      db.prepare(
        "INSERT INTO deal_activities (id, workspace_id, deal_id, kind, body) VALUES ('act_m', 'ws_m1', 'deal_m1', 'note', 'kept')",
      ),
    ]);

    await applyD1Migrations(db, env.TEST_MIGRATIONS);

    const stages = (
      await db
        .prepare(
          "SELECT workspace_id, name, kind, position FROM deal_stages ORDER BY workspace_id, position",
        )
        .all<{ workspace_id: string; name: string; kind: string; position: number }>()
    ).results;
    for (const workspaceId of ["ws_m1", "ws_m2"]) {
      expect(
        stages
          .filter((stage) => stage.workspace_id === workspaceId)
          .map(({ name, kind }) => ({ name, kind })),
      ).toEqual(DEFAULT_STAGES);
    }
    const deals = (
      await db
        .prepare(
          "SELECT d.id, s.name AS stage, s.workspace_id AS stage_ws, d.deliverables, d.expected_close_at, d.source, d.field_sources FROM deals d JOIN deal_stages s ON s.id = d.stage_id ORDER BY d.id",
        )
        .all<Record<string, unknown>>()
    ).results;
    expect(
      deals.map(({ id, stage, stage_ws, source }) => ({ id, stage, stage_ws, source })),
    ).toEqual([
      { id: "deal_m1", stage: "Negotiating", stage_ws: "ws_m1", source: "manual" },
      { id: "deal_m2", stage: "Paid", stage_ws: "ws_m2", source: "email" },
    ]);
    expect(deals[0]?.expected_close_at).toBe(before);
    expect(deals[0]?.field_sources).toBe("{}");
    const deliverables = JSON.parse(String(deals[0]?.deliverables));
    expect(deliverables).toEqual([
      expect.objectContaining({
        platform: "other",
        kind: "60-second read",
        draftDueAt: before + 86_400_000,
        done: false,
        contentId: null,
      }),
      expect.objectContaining({ platform: "other", kind: "Link for 30 days", done: false }),
    ]);
    expect(new Set(deliverables.map((d: { id: string }) => d.id)).size).toBe(2);
    expect(JSON.parse(String(deals[1]?.deliverables))).toEqual([]);
    // The sponsor's brand is its name now; activities survive (deals were never rebuilt).
    expect(await db.prepare("SELECT name FROM sponsors WHERE id = 'spn_m'").first("name")).toBe(
      "Acme",
    );
    expect(
      await db.prepare("SELECT body FROM deal_activities WHERE id = 'act_m'").first("body"),
    ).toBe("kept");
  });
});

describe("0005_followups_calendar converts the follow-ups already there", () => {
  /**
   * MIGRATION_DB is shared by this file's tests (storage is per file, not per test): the 0002
   * test above leaves it fully migrated. Drop every table (D1's own `_cf_` ones stay) so this
   * test starts from an empty database, whatever ran before it.
   */
  async function emptyDatabase(db: D1Database) {
    const { results } = await db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
      )
      .all<{ name: string }>();
    const parents = new Map<string, Set<string>>();
    for (const { name } of results) {
      const keys = await db.prepare(`PRAGMA foreign_key_list("${name}")`).all<{ table: string }>();
      parents.set(name, new Set(keys.results.map((key) => key.table).filter((t) => t !== name)));
    }
    // Children first: D1 keeps foreign keys on, and a table whose parent is gone cannot be dropped.
    const order: string[] = [];
    while (parents.size > 0) {
      const referenced = new Set([...parents.values()].flatMap((tables) => [...tables]));
      const leaves = [...parents.keys()].filter((table) => !referenced.has(table));
      if (leaves.length === 0) throw new Error(`foreign key cycle among ${[...parents.keys()]}`);
      for (const table of leaves) {
        order.push(table);
        parents.delete(table);
      }
    }
    if (order.length > 0) await db.batch(order.map((table) => db.prepare(`DROP TABLE "${table}"`)));
  }

  it("keeps drafts' text, trims a subject or defaults a blank one, turns done into sent with its time, and takes the deal's thread", async () => {
    const db = env.MIGRATION_DB;
    await emptyDatabase(db);
    const rebuild = env.TEST_MIGRATIONS.findIndex((migration) =>
      migration.name.startsWith("0005_"),
    );
    expect(rebuild).toBeGreaterThan(0);
    await applyD1Migrations(db, env.TEST_MIGRATIONS.slice(0, rebuild));
    expect(
      await db
        .prepare(
          "SELECT count(*) AS n FROM pragma_table_info('followups') WHERE name = 'draft_body'",
        )
        .first("n"),
      "followups has its old shape before 0005",
    ).toBe(1);

    const at = Date.UTC(2026, 9, 1);
    const HOUR = 3_600_000;
    await db.batch([
      db.prepare(
        "INSERT INTO users (id, email) VALUES ('usr_f1', 'f1@example.com'), ('usr_f2', 'f2@example.com')",
      ),
      db.prepare("INSERT INTO workspaces (id, name) VALUES ('ws_f', 'Follow-ups')"),
      db.prepare(
        "INSERT INTO deal_stages (id, workspace_id, name, kind, position) VALUES ('stg_f_lead', 'ws_f', 'Lead', 'open', 0)",
      ),
      db.prepare(
        `INSERT INTO deals (id, workspace_id, title, stage_id, source_thread_id) VALUES
           ('deal_f_thread', 'ws_f', 'Captured from Gmail', 'stg_f_lead', 'thread-18c2f'),
           ('deal_f_plain', 'ws_f', 'Typed in', 'stg_f_lead', NULL)`,
      ),
      db
        .prepare(
          `INSERT INTO followups (id, workspace_id, deal_id, due_at, status, draft_subject, draft_body, reminder_sent_at, assignee_id, created_at, updated_at) VALUES
           ('fu_f_done', 'ws_f', 'deal_f_thread', ?1, 'done', NULL, 'Any news on the brief?', ?1 + 1 * ${HOUR}, 'usr_f1', ?1 - 24 * ${HOUR}, ?1 + 5 * ${HOUR}),
           ('fu_f_sent', 'ws_f', 'deal_f_plain', ?1, 'sent', 'Invoice attached', 'Please find the invoice.', NULL, NULL, ?1 - 24 * ${HOUR}, ?1 + 6 * ${HOUR}),
           ('fu_f_pending', 'ws_f', 'deal_f_thread', ?1 + 2 * ${HOUR}, 'pending', '   ', NULL, NULL, 'usr_f2', ?1 - 24 * ${HOUR}, ?1 - 2 * ${HOUR}),
           ('fu_f_cancelled', 'ws_f', 'deal_f_plain', ?1 + 3 * ${HOUR}, 'cancelled', '  Rates for 2027 ', 'Draft', NULL, NULL, ?1 - 24 * ${HOUR}, ?1 - 3 * ${HOUR})`,
        )
        .bind(at),
    ]);

    await applyD1Migrations(db, env.TEST_MIGRATIONS);

    const rows = (
      await db
        .prepare(
          "SELECT id, workspace_id, deal_id, to_contact, subject, body, due_at, status, thread_id, assignee_id, sent_at, reminder_sent_at, created_by, created_at, updated_at FROM followups ORDER BY id",
        )
        .all()
    ).results;
    const old = {
      workspace_id: "ws_f",
      to_contact: null,
      created_by: null,
      created_at: at - 24 * HOUR,
    };
    expect(rows).toEqual([
      {
        ...old,
        id: "fu_f_cancelled",
        deal_id: "deal_f_plain",
        subject: "Rates for 2027",
        body: "Draft",
        due_at: at + 3 * HOUR,
        status: "cancelled",
        thread_id: null,
        assignee_id: null,
        sent_at: null,
        reminder_sent_at: null,
        updated_at: at - 3 * HOUR,
      },
      {
        ...old,
        id: "fu_f_done",
        deal_id: "deal_f_thread",
        subject: "Following up",
        body: "Any news on the brief?",
        due_at: at,
        status: "sent",
        thread_id: "thread-18c2f",
        assignee_id: "usr_f1",
        sent_at: at + 5 * HOUR,
        reminder_sent_at: at + HOUR,
        updated_at: at + 5 * HOUR,
      },
      {
        ...old,
        id: "fu_f_pending",
        deal_id: "deal_f_thread",
        subject: "Following up",
        body: "",
        due_at: at + 2 * HOUR,
        status: "pending",
        thread_id: "thread-18c2f",
        assignee_id: "usr_f2",
        sent_at: null,
        reminder_sent_at: null,
        updated_at: at - 2 * HOUR,
      },
      {
        ...old,
        id: "fu_f_sent",
        deal_id: "deal_f_plain",
        subject: "Invoice attached",
        body: "Please find the invoice.",
        due_at: at,
        status: "sent",
        thread_id: null,
        assignee_id: null,
        sent_at: at + 6 * HOUR,
        reminder_sent_at: null,
        updated_at: at + 6 * HOUR,
      },
    ]);

    const indexes = (
      await db
        .prepare(
          "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'followups' AND sql IS NOT NULL ORDER BY name",
        )
        .all<{ name: string; sql: string }>()
    ).results;
    expect(indexes.map((index) => index.name)).toEqual([
      "followups_assignee",
      "followups_created_by",
      "followups_deal",
      "followups_due_reminders",
      "followups_list",
    ]);
    expect(indexes.find((index) => index.name === "followups_due_reminders")?.sql).toMatch(
      /\(`due_at`,\s*`id`\)\s+WHERE status = 'pending' AND reminder_sent_at IS NULL$/,
    );
    const tables = await db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('__new_followups', 'followups', 'calendar_tokens') ORDER BY name",
      )
      .all<{ name: string }>();
    expect(
      tables.results.map((table) => table.name),
      "the rebuild's temporary table is gone; calendar_tokens exists",
    ).toEqual(["calendar_tokens", "followups"]);
    expect(
      await db
        .prepare("PRAGMA foreign_key_check")
        .all()
        .then((r) => r.results),
    ).toEqual([]);

    // The reminder job reads converted rows: only the pending one is due and not reminded.
    const due = await dueFollowups(createDb(db), { now: new Date(at + 2 * HOUR), limit: 10 });
    expect(due.map((row) => [row.id, row.subject, row.dealTitle])).toEqual([
      ["fu_f_pending", "Following up", "Captured from Gmail"],
    ]);
  });
});
