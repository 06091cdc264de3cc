import type { RenderedEmail } from "../message";
import { emailDateTime } from "./format";
import { button, type EmailLinks, type Fragment, html, oneLine, renderLayout } from "./layout";

export interface DigestItem {
  title: string;
  url: string;
  /** When it is or was due (UTC instant), or when a stale deal last moved. */
  at: Date;
}

export interface DigestWorkspace {
  name: string;
  dueToday: DigestItem[];
  overdue: DigestItem[];
  /** Open deals with no activity for 14 days or more. */
  stale: DigestItem[];
}

export interface DigestData {
  /** The recipient's local day, `YYYY-MM-DD`. */
  day: string;
  timeZone: string;
  workspaces: DigestWorkspace[];
  appOrigin: string;
}

const SECTIONS = [
  ["overdue", "Overdue"],
  ["dueToday", "Due today"],
  ["stale", "Stale deals (no activity for 14 days)"],
] as const;

function count(data: DigestData, key: (typeof SECTIONS)[number][0]): number {
  return data.workspaces.reduce((sum, workspace) => sum + workspace[key].length, 0);
}

/** Nothing due today, overdue or stale anywhere: the digest is not sent. */
export function digestIsEmpty(data: DigestData): boolean {
  return SECTIONS.every(([key]) => count(data, key) === 0);
}

/** "Your day: 2 overdue, 1 due today, 3 stale deals" — per workspace, each item linked. */
export function digestEmail(data: DigestData, links: EmailLinks): RenderedEmail {
  const summary = [
    `${count(data, "overdue")} overdue`,
    `${count(data, "dueToday")} due today`,
    `${count(data, "stale")} stale ${count(data, "stale") === 1 ? "deal" : "deals"}`,
  ].join(", ");
  const line = (item: DigestItem) =>
    `- ${oneLine(item.title)} (${emailDateTime(item.at, data.timeZone)}) ${item.url}`;
  const text = data.workspaces.flatMap((workspace) =>
    SECTIONS.filter(([key]) => workspace[key].length > 0).map(
      ([key, label]) =>
        `${oneLine(workspace.name)} — ${label}\n${workspace[key].map(line).join("\n")}`,
    ),
  );
  const sections: Fragment[] = data.workspaces.map(
    (workspace) => html`<h2 style="font-size:17px;margin:20px 0 4px">${workspace.name}</h2>
${SECTIONS.filter(([key]) => workspace[key].length > 0).map(
  ([key, label]) => html`<h3 style="font-size:15px;margin:12px 0 4px">${label}</h3>
<ul style="margin:0;padding-left:20px">${workspace[key].map(
    (item) =>
      html`<li><a href="${item.url}" style="color:#1f3fbf">${item.title}</a> <span style="color:#4a4f57">(${emailDateTime(item.at, data.timeZone)})</span></li>`,
  )}</ul>`,
)}`,
  );
  return renderLayout({
    subject: `Your day: ${summary}`,
    preheader: summary,
    kindLabel: "the daily digest",
    links,
    text: [`Your day (${data.day}): ${summary}.`, ...text],
    body: html`<h1 style="font-size:20px;margin:0 0 12px">Your day: ${summary}</h1>
${sections}
${button(`${data.appOrigin}/deals`, "Open your pipeline")}`,
  });
}
