/**
 * Column helpers shared by the schema files. Times are UTC milliseconds; money is integer
 * minor units; ids are opaque random strings (see edge/lib/ids.ts).
 */
import { sql } from "drizzle-orm";
import { integer, text } from "drizzle-orm/sqlite-core";

export const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);
export const updatedAt = () =>
  integer("updated_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);
export const time = (name: string) => integer(name, { mode: "timestamp_ms" });
export const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();
