/**
 * README.md's curl walkthrough, run as written: its ```sh blocks, in order, in one bash, against
 * a real local edge seeded like `npm run dev` seeds it. Any command that fails, any API answer
 * that is not `"success":true` and any answer that is the dashboard's HTML instead of the
 * Worker's fails the test, naming the command — so the walkthrough cannot rot again.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEdge, type TestEdge } from "./harness/edge";
import { ROOT } from "./harness/paths";

const WALKTHROUGH_HEADING = "## Try the API with curl";
const README_ORIGIN = "http://localhost:8787";

/** The ```sh blocks between the walkthrough's heading and the next `## ` heading. */
function walkthroughBlocks(readme: string): string[] {
  const start = readme.indexOf(`\n${WALKTHROUGH_HEADING}\n`);
  if (start === -1) throw new Error(`README.md has no "${WALKTHROUGH_HEADING}" section`);
  const rest = readme.slice(start + WALKTHROUGH_HEADING.length + 1);
  const end = rest.search(/\n## /);
  const section = end === -1 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");
}

/**
 * Runs before the README's commands. `curl` becomes a checking curl: it fails on HTTP errors
 * (--fail-with-body), on an API envelope that is not a success, and on HTML (the static assets
 * answering a path meant for the Worker); the answer still goes to stdout, so `$(…)` and the
 * pipes into node work as the README shows them.
 */
const PRELUDE = String.raw`set -euo pipefail
shopt -s inherit_errexit
curl() {
  local answer
  if ! answer=$(command curl --fail-with-body --silent --show-error "$@"); then
    printf '✖ curl %s\n  failed: %s\n' "$*" "$answer" >&2
    return 1
  fi
  case "$answer" in
    *'"success":false'*)
      printf '✖ curl %s\n  answered an error: %s\n' "$*" "$answer" >&2
      return 1 ;;
    '<!'* | '<html'* | '<HTML'*)
      printf '✖ curl %s\n  answered HTML, not the Worker: %.120s\n' "$*" "$answer" >&2
      return 1 ;;
  esac
  if [[ "$*" == */api/* && "$answer" != '{"success":true'* ]]; then
    printf '✖ curl %s\n  answered no success envelope: %.200s\n' "$*" "$answer" >&2
    return 1
  fi
  printf '%s\n' "$answer"
}
`;

describe("README walkthrough", () => {
  let edge: TestEdge;
  let scratch: string;

  beforeAll(async () => {
    // As `npm run dev`: the demo workspace seeded, wrangler dev with --test-scheduled.
    edge = await startEdge({ seedDemo: true });
    scratch = mkdtempSync(join(tmpdir(), "creatorops-readme-"));
  });

  afterAll(async () => {
    await edge?.dispose();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("the dev seed prints one summary line with the demo sign-in", () => {
    const lines = (edge.seedOutput ?? "").split("\n").filter((line) => line.trim() !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("demo@creatorops.local");
    expect(lines[0]).toContain("creatorops-demo");
  });

  it("runs to the end against a real local edge, every answer a success", () => {
    const readme = readFileSync(`${ROOT}README.md`, "utf8");
    const blocks = walkthroughBlocks(readme);
    const commands = blocks.join("\n");
    // The steps the walkthrough promises; removing one should be a decision, not an accident.
    for (const step of [
      "/api/auth/signin",
      "/api/auth/me",
      '"body":',
      '"notes":',
      "/api/content?",
      "/repurpose",
      "/api/usage",
      "/api/workspaces",
      "/invitations",
      "x-workspace-id: $PODCAST",
      "/api/deals/capture-email",
      "/followup",
      "/api/followups?",
      "/api/auth/me/calendar-token",
      "/__scheduled?cron=*/15+*+*+*+*",
      "/api/dev/outbox",
      "/api/auth/me/notifications",
    ]) {
      expect(commands, `the walkthrough shows ${step}`).toContain(step);
    }
    expect(commands).toContain(README_ORIGIN);

    const script = join(scratch, "walkthrough.sh");
    writeFileSync(script, `${PRELUDE}\n${commands.replaceAll(README_ORIGIN, edge.origin)}`);
    const run = spawnSync("bash", [script], {
      cwd: scratch,
      encoding: "utf8",
      timeout: 90_000,
    });
    const report = `bash exited ${run.status ?? run.signal}\n── stderr\n${run.stderr}\n── stdout\n${run.stdout}\n── wrangler\n${edge.logs()}`;
    expect(run.status, report).toBe(0);

    const answers = run.stdout.split("\n").filter(Boolean);
    const envelopes = answers.filter((line) => line.startsWith("{"));
    // sign-in is consumed by $(…); me, list, repurpose, usage, invite, the header calls print.
    expect(envelopes.length, report).toBeGreaterThanOrEqual(7);
    for (const line of envelopes) expect(JSON.parse(line)).toMatchObject({ success: true });

    // The cron URL reached the Worker (wrangler's --test-scheduled handler), not index.html.
    const cronAnswers = answers.filter((line) => line === "Ran scheduled event");
    expect(cronAnswers.length, report).toBe([...commands.matchAll(/\/__scheduled\?cron=/g)].length);

    // The seed's due follow-up: after the cron and the local queue, its reminder is in the outbox,
    // addressed to the demo user, with the drafted email and the deal's link.
    const outbox = envelopes
      .map((line) => JSON.parse(line))
      .find(
        (envelope) =>
          Array.isArray(envelope.data?.items) && "dedupeKey" in (envelope.data.items[0] ?? {}),
      );
    const reminders = (outbox?.data.items ?? []).filter(
      (email: { template: string }) => email.template === "followup_reminder",
    );
    expect(reminders, report).toHaveLength(1);
    expect(reminders[0], report).toMatchObject({
      to: "demo@creatorops.local",
      status: "sent",
      dedupeKey: expect.stringMatching(/^followup-reminder:fu_demo00000000000000001:/),
    });
    expect(reminders[0].text, report).toContain("just checking whether you had a chance");
    expect(reminders[0].text, report).toContain(`${edge.origin}/deals/deal_demo000000000000001`);

    // The README says the blocks can be run again: a second run, now with two workspaces, too.
    const again = spawnSync("bash", [script], { cwd: scratch, encoding: "utf8", timeout: 90_000 });
    expect(again.status, `second run: ${again.stderr}\n${again.stdout}`).toBe(0);
    // Running the cron again sends nothing new: still the one reminder.
    const outboxAgain = again.stdout
      .split("\n")
      .filter((line) => line.startsWith("{") && line.includes('"dedupeKey"'))
      .map((line) => JSON.parse(line))
      .at(-1);
    expect(
      outboxAgain?.data.items.filter(
        (email: { template: string }) => email.template === "followup_reminder",
      ),
      again.stdout,
    ).toHaveLength(1);
  });

  it("reaches the Worker for /__scheduled, and the dashboard for other unknown paths", async () => {
    const cron = await fetch(`${edge.origin}/__scheduled?cron=*/15+*+*+*+*`);
    expect(cron.status).toBe(200);
    expect(await cron.text()).toBe("Ran scheduled event");

    const invite = await fetch(`${edge.origin}/invite?token=x`);
    expect(invite.status).toBe(200);
    expect(await invite.text()).toMatch(/<!doctype html>/i);
  });
});
