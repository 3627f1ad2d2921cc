/**
 * Every request is authenticated and scoped: clients see and touch only their own jobs (403,
 * the same answer everywhere), operator routes need operator scope, agent credentials open
 * only agent routes, and nothing is answered before the caller is known.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admitNode } from "../../../lib/service/index.ts";
import { linuxNode } from "./agents.ts";
import { agentRoleName, aNativeJob, aRequest, seedClients, startApi, tokens, type ApiHarness } from "./harness.ts";

let h: ApiHarness;
let jobOfA: string;

beforeAll(async () => {
  h = await startApi();
  await seedClients(h);
  const r = await h.call(aRequest("POST", "/jobs").as(tokens.clientA).json(aNativeJob()));
  expect(r.status).toBe(201);
  jobOfA = r.body.id;
});
afterAll(async () => h?.stop());

describe("authentication", () => {
  it("refuses a request without credentials with 401, even on unknown paths", async () => {
    expect((await h.call(aRequest("GET", "/jobs"))).status).toBe(401);
    expect((await h.call(aRequest("GET", "/no-such-path"))).status).toBe(401);
  });

  it("refuses an unknown token with 401", async () => {
    const r = await h.call(aRequest("GET", "/jobs").as("token-nobody-knows-0000"));
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("unauthorized");
  });

  it("accepts verified JWT claims from API Gateway's authorizer", async () => {
    const r = await h.call(aRequest("GET", `/jobs/${jobOfA}`).withJwtClaims({ sub: "u1", "burstfarm:role": "client", "burstfarm:client": "studio-a" }));
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(jobOfA);
  });

  it("maps operator claims (custom:role too) to operator scope, and a client claim never to it", async () => {
    expect((await h.call(aRequest("GET", "/farm").withJwtClaims({ sub: "w1", "custom:role": "operator" }))).status).toBe(200);
    const client = aRequest("GET", "/farm").withJwtClaims({ sub: "u2", "burstfarm:role": "client", "burstfarm:client": "studio-a" });
    expect((await h.call(client)).status).toBe(403);
  });

  it("refuses JWT claims without a usable role with 403", async () => {
    const r = await h.call(aRequest("GET", "/jobs").withJwtClaims({ sub: "u1" }));
    expect(r.status).toBe(403);
  });
});

describe("a client cannot touch another client's jobs", () => {
  it("can read its own job", async () => {
    expect((await h.call(aRequest("GET", `/jobs/${jobOfA}`).as(tokens.clientA))).status).toBe(200);
  });

  it.each([
    ["read", () => aRequest("GET", `/jobs/${jobOfA}`)],
    ["edit", () => aRequest("PATCH", `/jobs/${jobOfA}`).json({ priority: 99 })],
    ["cancel", () => aRequest("DELETE", `/jobs/${jobOfA}`)],
    ["approve", () => aRequest("POST", `/jobs/${jobOfA}/approve`)],
  ])("cannot %s it (403)", async (_what, req) => {
    const r = await h.call(req().as(tokens.clientB));
    expect(r.status).toBe(403);
    expect(JSON.stringify(r.body)).not.toContain("shot-010");
  });

  it("left the job untouched", async () => {
    const r = await h.call(aRequest("GET", `/jobs/${jobOfA}`).as(tokens.operator));
    expect(r.body.status).not.toBe("canceled");
    expect(r.body.priority).toBe(50);
  });

  it("does not list it, and cannot filter for another client", async () => {
    const mine = await h.call(aRequest("GET", "/jobs").as(tokens.clientB));
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((j: { id: string }) => j.id)).not.toContain(jobOfA);
    const theirs = await h.call(aRequest("GET", "/jobs").as(tokens.clientB).withQuery({ clientId: "studio-a" }));
    expect(theirs.status).toBe(403);
  });

  it("cannot submit on another client's account", async () => {
    const r = await h.call(aRequest("POST", "/jobs").as(tokens.clientB).json(aNativeJob({ client: "studio-a" })));
    expect(r.status).toBe(403);
  });

  it("cannot read another client's usage or audit trail", async () => {
    expect((await h.call(aRequest("GET", "/clients/studio-a/usage").as(tokens.clientB).withQuery({ from: "2026-11-01", to: "2026-11-30" }))).status).toBe(403);
    expect((await h.call(aRequest("GET", "/audit").as(tokens.clientB).withQuery({ clientId: "studio-a" }))).status).toBe(403);
  });

  it("the operator can read it", async () => {
    expect((await h.call(aRequest("GET", `/jobs/${jobOfA}`).as(tokens.operator))).status).toBe(200);
  });
});

describe("scopes by role", () => {
  it.each([
    ["GET", "/farm"], ["GET", "/nodes"], ["POST", "/nodes/n1/drain"], ["GET", "/clients"], ["POST", "/clients"],
  ])("a client may not call operator route %s %s", async (method, path) => {
    const r = await h.call(aRequest(method, path).as(tokens.clientA));
    expect(r.status).toBe(403);
  });

  it.each([["GET", "/jobs"], ["POST", "/jobs"], ["GET", "/farm"], ["GET", `/jobs/x`]])(
    "an agent credential may not call %s %s", async (method, path) => {
      const r = await h.call(aRequest(method, path).as(tokens.agentN1));
      expect(r.status).toBe(403);
    });

  it("client and operator credentials may not call agent routes", async () => {
    for (const t of [tokens.clientA, tokens.operator]) {
      expect((await h.call(aRequest("POST", "/agents/n1/poll").as(t).json({ tasks: [] }))).status).toBe(403);
    }
  });

  it("an agent credential bound to node n1 may not act for n2", async () => {
    const r = await h.call(aRequest("POST", "/agents/n2/poll").as(tokens.agentN1).json({ tasks: [] }));
    expect(r.status).toBe(403);
  });

  it("an IAM session of the cloud agent role acts for the launched node its session names", async () => {
    await admitNode(h.wired.deps, { nodeId: "i-0abc12345678", instanceId: "i-0abc12345678", pool: "cloud", hostname: "ip-10-0-0-1", capabilities: linuxNode("x").capabilities, instanceType: "c7i.8xlarge", market: "spot", pricePerHour: 1.2 }, { kind: "system", component: "capacity" });
    const arn = `arn:aws:sts::111111111111:assumed-role/${agentRoleName}/i-0abc12345678`;
    const { nodeId: _n, ...host } = linuxNode("i-0abc12345678");
    const reg = await h.call(aRequest("POST", "/agents/register").withIamCaller(arn).json(host));
    expect(reg.status).toBe(200);
    expect(reg.body.nodeId).toBe("i-0abc12345678");
    const p = await h.call(aRequest("POST", "/agents/i-0abc12345678/poll").withIamCaller(arn).json({ tasks: [] }));
    expect(p.status).toBe(200);
    expect(p.body.desiredStatus).toBe("run");
    expect((await h.call(aRequest("GET", "/jobs").withIamCaller(arn))).status).toBe(403);
  });

  it("an IAM caller that is not the agent role is refused", async () => {
    const r = await h.call(aRequest("POST", "/agents/n1/poll").withIamCaller("arn:aws:sts::111111111111:assumed-role/SomeoneElse/s").json({ tasks: [] }));
    expect(r.status).toBe(403);
  });
});
