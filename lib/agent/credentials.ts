/**
 * The node's credential, in one place so the switch to node-bound tokens ([S], issue 13) is a
 * few lines. Two ways in:
 *   - `token`: a node token given to the agent (today: an entry of the API's bearer token
 *     table, `{"kind":"agent","nodeId":…}`; cloud nodes get one from the capacity issuer);
 *   - `registrationSecret`: exchanged at `POST /agents/register` for `{nodeId, token,
 *     tokenExpiresAt}`; the agent renews at half the token's life (`POST /agents/{id}/token`).
 * The agent never holds an operator's or a client's credential.
 */
import type { AgentApi, RegisterReply } from "./api-client.ts";

export class NodeCredentials {
  private token: string;
  private expiresAt: number | undefined;
  private issuedAt: number;

  constructor(initial: { token?: string; registrationSecret?: string }, private readonly now: () => number = Date.now) {
    const t = initial.token ?? initial.registrationSecret;
    if (!t) throw new Error("give a node token or a registration secret");
    this.token = t;
    this.issuedAt = now();
    this.registrationSecret = initial.token ? undefined : initial.registrationSecret;
  }

  readonly registrationSecret: string | undefined;

  bearer(): string {
    return this.token;
  }

  /** Takes the token a registration reply carries (registration-secret flow). */
  accept(reply: RegisterReply): void {
    if (!reply.token) return;
    this.token = reply.token;
    this.issuedAt = this.now();
    this.expiresAt = reply.tokenExpiresAt ? Date.parse(reply.tokenExpiresAt) : undefined;
  }

  /** Renews at half life; a failure keeps the current token (retried at the next poll). */
  async renewIfDue(api: AgentApi, nodeId: string): Promise<void> {
    if (this.expiresAt === undefined) return;
    if (this.now() < this.issuedAt + (this.expiresAt - this.issuedAt) / 2) return;
    try {
      const r = await api.renewToken(nodeId);
      this.accept({ nodeId, pollIntervalSec: 0, leaseSec: 0, ...r });
    } catch {
      // The token still works until it expires; the next poll tries again.
    }
  }
}
