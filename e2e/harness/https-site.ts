/**
 * A fake site served over HTTPS on loopback, for the fake YouTube and Gmail pages: a throwaway
 * self-signed certificate for the site's host names (youtube.com is HSTS-preloaded, so plain
 * http is refused), one request handler, and the host-resolver rules that map the names here.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A 1×1 PNG for thumbnails, avatars and favicons, so pages load offline. */
export const PIXEL = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

/** Answers a request: status, content type, body; no caching, plus the site's own headers. */
export type Send = (status: number, type: string, body: string | Buffer) => void;

export interface HttpsSite {
  readonly port: number;
  /** For Chromium's --host-resolver-rules: every host name → this server. */
  readonly hostResolverRules: string;
  close(): Promise<void>;
}

function selfSignedCertificate(hosts: string[]): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "creatorops-e2e-cert-"));
  try {
    const result = spawnSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"],
        ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
        ...["-subj", `/CN=${hosts[0]}`],
        ...["-addext", `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(",")}`],
      ],
      { encoding: "utf8" },
    );
    if (result.status !== 0) {
      throw new Error(
        `openssl could not make a certificate: ${result.error?.message ?? result.stderr}`,
      );
    }
    return { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Serves `route` over HTTPS for `hosts` (the first is the certificate's name and the origin
 * requests are read against) on 127.0.0.1:`port` (default: a free port; Firefox maps a host name
 * to loopback only, so it needs 443). A handler that throws answers 500 with the error.
 */
export async function startHttpsSite(options: {
  hosts: string[];
  port?: number;
  /** Headers on every answer besides Content-Type and `Cache-Control: no-store`. */
  headers?: Record<string, string>;
  route: (url: URL, send: Send, req: IncomingMessage, res: ServerResponse) => void;
}): Promise<HttpsSite> {
  const [host] = options.hosts;
  if (!host) throw new Error("a site needs a host name");
  const server = createServer(selfSignedCertificate(options.hosts), (req, res) => {
    const send: Send = (status, type, body) => {
      res.writeHead(status, {
        "Content-Type": type,
        "Cache-Control": "no-store",
        ...options.headers,
      });
      res.end(body);
    };
    try {
      options.route(new URL(req.url ?? "/", `https://${host}`), send, req, res);
    } catch (error) {
      send(500, "text/plain", String(error));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error(`fake ${host} has no port`);
  const port = address.port;
  return {
    port,
    hostResolverRules: options.hosts.map((name) => `MAP ${name} 127.0.0.1:${port}`).join(", "),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
