/** Node tokens: bound to one node, short-lived, verified by kid so keys rotate by config. */
import { describe, expect, it } from "vitest";
import { ephemeralTokenKeys, jwtNodeCredentials, tokenKeysSchema } from "../../../lib/service/identity/node-credentials.ts";

const T0 = Date.parse("2026-11-24T09:00:00Z");
const k1 = ephemeralTokenKeys().keys.local!;
const k2 = ephemeralTokenKeys().keys.local!;

describe("node tokens", () => {
  it("carry the node id they were issued for, until they expire", async () => {
    const creds = jwtNodeCredentials({ current: "k1", keys: { k1 }, ttlSec: 600 });
    const t = await creds.issue("n1", T0);
    expect(t.expiresAt).toBe(T0 + 600_000);
    expect(await creds.verify(t.token, T0 + 599_000)).toEqual({ nodeId: "n1", expiresAt: t.expiresAt });
    expect(await creds.verify(t.token, T0 + 601_000)).toBeNull();
  });

  it("survive a key rotation while the old key is listed, and die when it is removed", async () => {
    const before = jwtNodeCredentials({ current: "k1", keys: { k1 } });
    const t = await before.issue("n1", T0);
    const rotated = jwtNodeCredentials({ current: "k2", keys: { k1, k2 } });
    expect((await rotated.verify(t.token, T0))?.nodeId).toBe("n1");
    const fresh = await rotated.issue("n1", T0);
    expect(JSON.parse(Buffer.from(fresh.token.split(".")[0]!, "base64url").toString()).kid).toBe("k2");
    const retired = jwtNodeCredentials({ current: "k2", keys: { k2 } });
    expect(await retired.verify(t.token, T0)).toBeNull();
    expect((await retired.verify(fresh.token, T0))?.nodeId).toBe("n1");
  });

  it("refuse tampered tokens, tokens of another farm's key and the none algorithm", async () => {
    const creds = jwtNodeCredentials({ current: "k1", keys: { k1 } });
    const t = await creds.issue("n1", T0);
    const [h, p, s] = t.token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "n2", "burstfarm:node": "n2" })).toString("base64url");
    expect(await creds.verify(`${h}.${forged}.${s}`, T0)).toBeNull();
    const other = await jwtNodeCredentials({ current: "k1", keys: { k1: k2 } }).issue("n1", T0);
    expect(await creds.verify(other.token, T0)).toBeNull();
    const none = Buffer.from(JSON.stringify({ alg: "none", kid: "k1" })).toString("base64url");
    expect(await creds.verify(`${none}.${p}.`, T0)).toBeNull();
    expect(await creds.verify("not.a.jwt", T0)).toBeNull();
  });

  it("need keys of at least 32 bytes and a current kid that exists", () => {
    expect(tokenKeysSchema.safeParse({ current: "k1", keys: { k1: "c2hvcnQ" } }).success).toBe(false);
    expect(tokenKeysSchema.safeParse({ current: "k9", keys: { k1 } }).success).toBe(false);
  });
});
