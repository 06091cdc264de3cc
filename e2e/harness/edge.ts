/**
 * A real local edge (`wrangler dev --test-scheduled` on workerd, as `npm run dev` runs it) for
 * one test file: its own free port and its own fresh D1 / Durable Object state in a temp dir.
 * stop() and start() again keep the same port and state, so a test can take the API away from
 * the extension and bring it back.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApiEnvelope } from "../../shared/envelope";
import { ROOT } from "./paths";

const WRANGLER = `${ROOT}node_modules/.bin/wrangler`;
const quietEnv = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
};

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
    socket.connect(port, "127.0.0.1");
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * workerd reports a closed WebSocket (a dev-session or inspector peer going away) as an
 * "exception" line; it is not an error of ours and would bury the lines that matter in the
 * failure messages that quote wrangler's output.
 */
const WORKERD_WEBSOCKET_NOISE =
  /^.*workerd\/api\/web-socket\.c\+\+:\d+: disconnected: WebSocket peer disconnected.*\n?/gm;
const withoutWorkerdNoise = (text: string) => text.replace(WORKERD_WEBSOCKET_NOISE, "");

/**
 * The id Chrome gives the extension: the first 128 bits of SHA-256 of the manifest `key`,
 * written with the letters a–p. Used to allow the extension's origin like a deployment does.
 */
export function extensionIdFromKey(publicKeyBase64: string): string {
  const digest = createHash("sha256").update(Buffer.from(publicKeyBase64, "base64")).digest("hex");
  return [...digest.slice(0, 32)]
    .map((hex) => String.fromCharCode(97 + Number.parseInt(hex, 16)))
    .join("");
}

/** The extension id of the built extension (its manifest key), or null without a key. */
export function builtExtensionId(extensionDir: string): string | null {
  try {
    const manifest = JSON.parse(readFileSync(join(extensionDir, "manifest.json"), "utf8")) as {
      key?: string;
    };
    return manifest.key ? extensionIdFromKey(manifest.key) : null;
  } catch {
    return null;
  }
}

/**
 * A local edge that allows the built extension's origin (`chrome-extension://<id from its
 * manifest key>`), as a deployment does; without a key, the edge's defaults.
 */
export function startEdgeForExtension(extensionDir: string, options: EdgeOptions = {}) {
  const id = builtExtensionId(extensionDir);
  return startEdge({
    ...options,
    vars: { ...options.vars, ...(id && { EXTENSION_ORIGINS: `chrome-extension://${id}` }) },
  });
}

export interface TestEdge {
  /** http://localhost:PORT — the origin the extension is pointed at. */
  readonly origin: string;
  readonly port: number;
  readonly persistDir: string;
  readonly running: boolean;
  /** Starts wrangler dev again on the same port and state; resolves once /api/health answers. */
  start(): Promise<void>;
  /** Kills wrangler and workerd (the whole process group); resolves once the port is closed. */
  stop(): Promise<void>;
  /** stop() and remove the state dir. */
  dispose(): Promise<void>;
  /** The last lines wrangler printed (for failure messages). */
  logs(): string;
  /** What `scripts/seed.ts` printed, when seeded (`seedDemo`). */
  readonly seedOutput: string | null;
}

export interface EdgeOptions {
  /** Extra `--var NAME:VALUE` pairs. */
  vars?: Record<string, string>;
  /** Only errors in wrangler's output (a load run would otherwise log every request). */
  quiet?: boolean;
  /** How long to wait for /api/health after a start. */
  readyTimeoutMs?: number;
  /** Seed the demo workspace with `scripts/seed.ts` (as `npm run dev` does) before starting. */
  seedDemo?: boolean;
}

const running = new Set<ChildProcess>();
// A crashed or interrupted test run must not leave workerd behind holding the port.
process.once("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export async function startEdge(options: EdgeOptions = {}): Promise<TestEdge> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const persistDir = mkdtempSync(join(tmpdir(), "creatorops-e2e-edge-"));

  const migrate = spawnSync(
    WRANGLER,
    ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir],
    { cwd: ROOT, env: { ...quietEnv, CI: "true" }, encoding: "utf8" },
  );
  if (migrate.status !== 0) {
    rmSync(persistDir, { recursive: true, force: true });
    throw new Error(
      `wrangler d1 migrations apply failed (${migrate.status ?? migrate.signal}):\n${migrate.stdout}\n${migrate.stderr}`,
    );
  }
  let seedOutput: string | null = null;
  if (options.seedDemo) {
    const seed = spawnSync(`${ROOT}node_modules/.bin/tsx`, ["scripts/seed.ts"], {
      cwd: ROOT,
      env: { ...quietEnv, SEED_PERSIST_TO: persistDir },
      encoding: "utf8",
    });
    if (seed.status !== 0) {
      rmSync(persistDir, { recursive: true, force: true });
      throw new Error(
        `scripts/seed.ts failed (${seed.status ?? seed.signal}):\n${seed.stdout}\n${seed.stderr}`,
      );
    }
    seedOutput = seed.stdout;
  }

  const vars: Record<string, string> = {
    APP_ORIGIN: origin,
    // No AI key: the offline repurposer answers, deterministic and without network.
    AI_API_KEY: "",
    // Signs unsubscribe links in emails (invitations); a fresh one per edge, never committed.
    EMAIL_TOKEN_SECRET: randomUUID(),
    ...options.vars,
  };
  let child: ChildProcess | null = null;
  let output: string[] = [];
  const remember = (chunk: Buffer) => {
    output.push(withoutWorkerdNoise(chunk.toString()));
    if (output.length > 400) output = output.slice(-200);
  };

  async function start() {
    if (child) return;
    const inspectorPort = await freePort();
    const args = [
      ...["dev", "--local", "--test-scheduled", "--port", String(port), "--ip", "127.0.0.1"],
      ...["--persist-to", persistDir, "--inspector-port", String(inspectorPort)],
      "--show-interactive-dev-session=false",
      ...(options.quiet ? ["--log-level", "error"] : []),
      ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ];
    // Its own process group: stop() kills wrangler and the workerd it started, together.
    const spawned = spawn(WRANGLER, args, {
      cwd: ROOT,
      env: quietEnv,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = spawned;
    running.add(spawned);
    spawned.stdout?.on("data", remember);
    spawned.stderr?.on("data", remember);
    spawned.once("exit", () => running.delete(spawned));

    const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
    while (Date.now() < deadline) {
      if (spawned.exitCode !== null || spawned.signalCode !== null) {
        child = null;
        throw new Error(`wrangler dev exited before it was ready:\n${logs()}`);
      }
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (res.ok) return;
      } catch {
        // Not listening yet.
      }
      await delay(200);
    }
    await stop();
    throw new Error(`wrangler dev did not answer /api/health on port ${port}:\n${logs()}`);
  }

  async function stop() {
    const current = child;
    if (!current) return;
    child = null;
    const exited = new Promise<void>((resolve) => {
      if (current.exitCode !== null || current.signalCode !== null) resolve();
      else current.once("exit", () => resolve());
    });
    killGroup(current, "SIGTERM");
    const timedOut = await Promise.race([exited.then(() => false), delay(5_000).then(() => true)]);
    if (timedOut) {
      killGroup(current, "SIGKILL");
      await exited;
    }
    // workerd may outlive wrangler for a moment; the port must be closed before we go on.
    for (let i = 0; i < 50 && (await portAcceptsConnections(port)); i++) {
      killGroup(current, "SIGKILL");
      await delay(100);
    }
  }

  function logs() {
    return output.join("").split("\n").slice(-60).join("\n");
  }

  await start();
  return {
    origin,
    port,
    persistDir,
    get running() {
      return child !== null;
    },
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(persistDir, { recursive: true, force: true });
    },
    logs,
    seedOutput,
  };
}

// ── API helpers: what the tests check behind the extension's back ──

export interface ApiContentItem {
  id: string;
  title: string;
  status: string;
  source: {
    kind: string;
    url: string | null;
    videoId: string | null;
    channel?: string;
    description?: string;
    durationSeconds?: number;
    thumbnailUrl?: string;
  };
}

export interface ApiVariant {
  id: string;
  platform: string;
  body: string;
}

export class ApiUser {
  constructor(
    readonly origin: string,
    readonly email: string,
    readonly password: string,
    readonly token: string,
    readonly workspaceId: string,
    readonly userId: string,
  ) {}

  async request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await fetch(`${this.origin}${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${this.token}`,
        "X-Workspace-Id": this.workspaceId,
        ...(init.body ? { "Content-Type": "application/json" } : {}),
        ...init.headers,
      },
    });
    const body = (await res.json()) as ApiEnvelope<T>;
    if (!body.success) {
      throw new Error(`${init.method ?? "GET"} ${path} → ${res.status} ${body.error.code}`);
    }
    return body.data;
  }

  /** Every live item saved from a YouTube video (the API keeps at most one). */
  async contentForVideo(videoId: string): Promise<ApiContentItem[]> {
    const page = await this.request<{ items: ApiContentItem[] }>(
      `/api/content?videoId=${encodeURIComponent(videoId)}`,
    );
    return page.items;
  }

  async variants(contentId: string): Promise<ApiVariant[]> {
    const detail = await this.request<{ variants: ApiVariant[] }>(
      `/api/content/${encodeURIComponent(contentId)}`,
    );
    return detail.variants;
  }
}

/** Signs a fresh user up through the API and resolves their personal workspace. */
export async function signUp(
  origin: string,
  email = `creator-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`,
  password = "correct horse battery staple",
): Promise<ApiUser> {
  const res = await fetch(`${origin}/api/auth/signup`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password, client: "api" }),
  });
  const signup = (await res.json()) as ApiEnvelope<{ token: string; user: { id: string } }>;
  if (!signup.success) {
    throw new Error(`signup → ${res.status} ${signup.error.code}: ${signup.error.message}`);
  }
  const meRes = await fetch(`${origin}/api/auth/me`, {
    headers: { Authorization: `Bearer ${signup.data.token}` },
  });
  const me = (await meRes.json()) as ApiEnvelope<{ workspaces: { id: string }[] }>;
  const workspaceId = me.success ? me.data.workspaces[0]?.id : undefined;
  if (!workspaceId) throw new Error(`GET /api/auth/me gave no workspace (${meRes.status})`);
  return new ApiUser(origin, email, password, signup.data.token, workspaceId, signup.data.user.id);
}
