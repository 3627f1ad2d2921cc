/**
 * Registration secrets: an operator issues one (shown once), an on-prem agent presents it at
 * `POST /agents/register` and receives a token for one node. Only a SHA-256 of the secret is
 * stored; revoking a secret stops new registrations with it (nodes already admitted keep their
 * identity until an operator revokes the node itself).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { assertOperator, type Actor } from "../actor.ts";
import { audit } from "../audit.ts";
import { parseWith } from "../job-spec.ts";
import type { RegistrationSecretRecord } from "../model.ts";
import type { ServiceDeps } from "../ports.ts";

export const registrationSecretInputSchema = z.strictObject({
  label: z.string().min(1).max(200).default("agents"),
  /** For one machine: the secret registers exactly this node, again whenever it must (absent: new nodes only). */
  nodeId: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits, _ . : - only").optional(),
  /** Energy accounting facts for the nodes it admits (what clients are billed for energy). */
  powerIdleW: z.number().min(0).max(100_000).default(100),
  powerBusyW: z.number().min(0).max(100_000).default(400),
  /** Seconds until it stops admitting agents (absent: until revoked). */
  expiresInSec: z.number().int().min(60).max(366 * 86400).optional(),
});
export type RegistrationSecretInput = z.input<typeof registrationSecretInputSchema>;

export type RegistrationSecretView = Omit<RegistrationSecretRecord, "hash" | "version">;

const prefix = "bfr_";
/** `bfr_<id>_<random>`: the id finds the record, the random part is the secret. */
const secretPattern = /^bfr_(rs-[A-Za-z0-9]{1,40})_[A-Za-z0-9_-]{32,64}$/;

export const looksLikeRegistrationSecret = (s: string): boolean => s.startsWith(prefix);

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");
const view = ({ hash: _h, version: _v, ...s }: RegistrationSecretRecord): RegistrationSecretView => s;

/** Operator: a new secret; the reply is the only time its value is shown. */
export async function issueRegistrationSecret(
  deps: ServiceDeps, raw: RegistrationSecretInput, actor: Actor,
): Promise<RegistrationSecretView & { secret: string }> {
  assertOperator(actor, "issuing a registration secret");
  const input = parseWith(registrationSecretInputSchema, raw);
  const now = deps.clock.now();
  const id = deps.ids.id("rs").replace(/[^A-Za-z0-9-]/g, "");
  const secret = `${prefix}${id}_${randomBytes(32).toString("base64url")}`;
  const record: RegistrationSecretRecord = {
    id, label: input.label, nodeId: input.nodeId ?? null, hash: sha256(secret), createdAt: now,
    expiresAt: input.expiresInSec === undefined ? null : now + input.expiresInSec * 1000, revokedAt: null,
    powerIdleW: input.powerIdleW, powerBusyW: input.powerBusyW, version: 1,
  };
  await deps.secrets.create(record);
  await audit(deps, actor, { clientId: null, action: "secret.issue", target: { type: "node", id: `secret:${id}` }, after: view(record) });
  return { ...view(record), secret };
}

export async function listRegistrationSecrets(deps: ServiceDeps, actor: Actor): Promise<RegistrationSecretView[]> {
  assertOperator(actor, "listing registration secrets");
  return (await deps.secrets.list()).map(view);
}

/** Operator: the secret admits no more agents. Idempotent. */
export async function revokeRegistrationSecret(deps: ServiceDeps, input: { secretId: string }, actor: Actor): Promise<RegistrationSecretView> {
  assertOperator(actor, "revoking a registration secret");
  const now = deps.clock.now();
  const { secret, result: changed } = await deps.secrets.update(input.secretId, (s) =>
    s.revokedAt !== null ? { next: null, result: false } : { next: { ...s, revokedAt: now }, result: true });
  if (changed) await audit(deps, actor, { clientId: null, action: "secret.revoke", target: { type: "node", id: `secret:${secret.id}` }, after: view(secret) });
  return view(secret);
}

/** The secret's record when the presented value is a live secret; null otherwise (unknown, wrong, revoked, expired). */
export async function checkRegistrationSecret(deps: ServiceDeps, presented: string): Promise<RegistrationSecretRecord | null> {
  const m = secretPattern.exec(presented);
  if (!m?.[1]) return null;
  const record = await deps.secrets.get(m[1]);
  if (!record) return null;
  const ok = timingSafeEqual(Buffer.from(record.hash, "hex"), Buffer.from(sha256(presented), "hex"));
  const now = deps.clock.now();
  if (!ok || record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= now)) return null;
  return record;
}
