/**
 * Node tokens: the credential an agent presents on every agent route. A short-lived JWT (HS256,
 * jose) whose subject is ONE node id, signed with the key named by `kid`. Keys rotate by config:
 * add a new key, make it `current` (new tokens use it), keep the old one until the tokens it
 * signed have expired (at most `ttlSec`), then remove it.
 *
 * The port (`NodeCredentials`) is what other parts use: the register/renew use cases, and the
 * simulated cloud, which hands a launched node its token through it.
 */
import { randomBytes } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";

export interface NodeToken {
  token: string;
  /** epoch ms */
  expiresAt: number;
}

export interface NodeCredentials {
  /** A fresh token for `nodeId`, valid from `now` for the configured lifetime. */
  issue(nodeId: string, now: number): Promise<NodeToken>;
  /** The node the token was issued for, or null (bad signature, unknown kid, expired, malformed). */
  verify(token: string, now: number): Promise<{ nodeId: string; expiresAt: number } | null>;
}

const issuer = "burstfarm";
const audience = "burstfarm-agent";
/** Default token life: the agent renews at about half of it. */
export const defaultTokenTtlSec = 3600;

const keyText = z.string().refine((k) => Buffer.from(k, "base64url").length >= 32, "each key must be at least 32 bytes, base64url");
export const tokenKeysSchema = z.strictObject({
  /** The kid that signs new tokens. */
  current: z.string().min(1).max(64),
  /** kid → base64url secret. Tokens signed with any listed key verify. */
  keys: z.record(z.string().min(1).max(64), keyText),
  ttlSec: z.number().int().min(60).max(7 * 86400).default(defaultTokenTtlSec),
}).refine((c) => Object.hasOwn(c.keys, c.current), { error: "must name one of keys", path: ["current"] });
export type TokenKeys = z.input<typeof tokenKeysSchema>;

/** `BURSTFARM_AGENT_TOKEN_KEYS` (JSON, see tokenKeysSchema) → credentials; undefined when unset. */
export function nodeCredentialsFromEnv(env: NodeJS.ProcessEnv): NodeCredentials | undefined {
  const raw = env.BURSTFARM_AGENT_TOKEN_KEYS;
  return raw ? jwtNodeCredentials(tokenKeysSchema.parse(JSON.parse(raw))) : undefined;
}

/** A random single-key configuration (local mode and tests: tokens live as long as the process). */
export function ephemeralTokenKeys(ttlSec = defaultTokenTtlSec): TokenKeys {
  return { current: "local", keys: { local: randomBytes(32).toString("base64url") }, ttlSec };
}

export function jwtNodeCredentials(config: TokenKeys): NodeCredentials {
  const c = tokenKeysSchema.parse(config);
  const keys = new Map(Object.entries(c.keys).map(([kid, k]) => [kid, new Uint8Array(Buffer.from(k, "base64url"))]));
  const signing = keys.get(c.current)!;
  return {
    async issue(nodeId, now) {
      const iat = Math.floor(now / 1000);
      const exp = iat + c.ttlSec;
      const token = await new SignJWT({ "burstfarm:node": nodeId })
        .setProtectedHeader({ alg: "HS256", kid: c.current, typ: "JWT" })
        .setSubject(nodeId).setIssuer(issuer).setAudience(audience).setIssuedAt(iat).setExpirationTime(exp)
        .sign(signing);
      return { token, expiresAt: exp * 1000 };
    },
    async verify(token, now) {
      try {
        const { payload } = await jwtVerify(token, (header) => {
          const key = header.kid ? keys.get(header.kid) : undefined;
          if (!key) throw new joseErrors.JWKSNoMatchingKey();
          return key;
        }, { algorithms: ["HS256"], issuer, audience, currentDate: new Date(now), requiredClaims: ["sub", "exp"] });
        const nodeId = payload.sub;
        if (typeof nodeId !== "string" || payload["burstfarm:node"] !== nodeId) return null;
        return { nodeId, expiresAt: (payload.exp ?? 0) * 1000 };
      } catch (err) {
        if (err instanceof joseErrors.JOSEError) return null;
        throw err;
      }
    },
  };
}

/** Cheap shape test so a bearer value is only tried as a JWT when it looks like one. */
export const looksLikeJwt = (token: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
