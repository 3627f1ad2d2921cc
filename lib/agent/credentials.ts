/**
 * The node's credential, in one place (identity is issue [S]'s: lib/service/identity).
 *   - A registration secret (operator-issued) is exchanged once at `POST /agents/register`
 *     for `{nodeId, token, tokenExpiresAt}` — a node-scoped JWT.
 *   - The node token is kept under the work dir (mode 0600), so a restarted agent refreshes its
 *     own node with it instead of registering a new one; it is renewed at about half its life
 *     (`POST /agents/{nodeId}/token`).
 *   - `--token` gives a node token directly (a cloud node's token from the capacity issuer, or a
 *     static `{"kind":"agent","nodeId":…}` entry of the API's token table).
 * The agent never holds an operator's or a client's credential.
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ApiRejected, type AgentApi, type RegisterReply } from "./api-client.ts";

interface Stored {
  nodeId: string;
  token?: string;
  tokenExpiresAt?: string;
}

export class AgentCredential {
  private token: string | undefined;
  private issuedAt = 0;
  private expiresAt: number | undefined;

  constructor(
    private readonly workDir: string,
    private readonly given: { token?: string; registrationSecret?: string },
    private readonly now: () => number = Date.now,
  ) {
    if (!given.token && !given.registrationSecret) throw new Error("give a node token or a registration secret");
    this.token = given.token;
  }

  /** The node id this work dir belongs to (from an earlier registration), if any. */
  storedNodeId(): string | undefined {
    return this.stored()?.nodeId;
  }

  bearer(): string {
    return this.token ?? this.given.registrationSecret!;
  }

  /** Registers (admits a new node with the secret, or refreshes this node with its token) and keeps the token. */
  async register(api: AgentApi, body: Record<string, unknown>): Promise<RegisterReply> {
    const stored = this.stored();
    const ownToken = this.given.token ?? (stored?.token && Date.parse(stored.tokenExpiresAt ?? "") > this.now() ? stored.token : undefined);
    if (ownToken) {
      try {
        const r = await api.register({ ...body, nodeId: stored?.nodeId ?? body.nodeId }, ownToken);
        this.accept(r);
        return r;
      } catch (err) {
        // A stale stored token (node revoked, keys rotated): fall back to the secret, if we have one.
        if (!(err instanceof ApiRejected) || !this.given.registrationSecret || this.given.token) throw err;
      }
    }
    let r: RegisterReply;
    try {
      r = await api.register(body, this.given.registrationSecret!);
    } catch (err) {
      // 409: the node exists but its token is gone (expired over a long outage): join as a new node.
      if (!(err instanceof ApiRejected) || err.status !== 409) throw err;
      const { nodeId: _taken, ...rest } = body;
      r = await api.register(rest, this.given.registrationSecret!);
    }
    this.accept(r);
    return r;
  }

  /** Renews at half life; a failure keeps the current token (tried again at the next poll). */
  async renewIfDue(api: AgentApi, nodeId: string): Promise<void> {
    if (this.expiresAt === undefined || this.now() < this.issuedAt + (this.expiresAt - this.issuedAt) / 2) return;
    try {
      this.accept({ nodeId, pollIntervalSec: 0, leaseSec: 0, ...(await api.renewToken(nodeId)) });
    } catch {
      // The token works until it expires.
    }
  }

  private accept(r: RegisterReply): void {
    if (!r.token) return;
    this.token = r.token;
    this.issuedAt = this.now();
    this.expiresAt = r.tokenExpiresAt ? Date.parse(r.tokenExpiresAt) : undefined;
    const file = join(this.workDir, "node.json");
    writeFileSync(file, JSON.stringify({ nodeId: r.nodeId, token: r.token, tokenExpiresAt: r.tokenExpiresAt } satisfies Stored), { mode: 0o600 });
    chmodSync(file, 0o600);
  }

  private stored(): Stored | undefined {
    try { return JSON.parse(readFileSync(join(this.workDir, "node.json"), "utf8")) as Stored; } catch { return undefined; }
  }
}
