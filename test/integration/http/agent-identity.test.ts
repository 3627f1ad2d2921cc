/**
 * Every agent action is bound to one node: a registration secret admits a new node and buys its
 * token; the token acts for that node only; the farm, not the agent, says what a node costs;
 * revocation ends a node's credentials and a secret's registrations.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admitNode, issueRegistrationSecret, registerAgent } from "../../../lib/service/index.ts";
import { aLambdaContext, aScheduledEvent } from "../../builders/api-events.ts";
import { linuxNode, nodeToken, poll, registerNode } from "./agents.ts";
import { agentRoleName, aNativeJob, aRequest, ManualClock, seedClients, startApi, tokens, type ApiHarness } from "./harness.ts";

let h: ApiHarness;
const clock = new ManualClock();
const system = { kind: "system", component: "capacity" } as const;
const hostOf = (nodeId: string) => { const { nodeId: _n, ...host } = linuxNode(nodeId); return host; };

beforeAll(async () => {
  h = await startApi({ clock });
  await seedClients(h);
  await registerNode(h, "n1");
  await registerNode(h, "n2");
});
afterAll(async () => h?.stop());

/** Submits one 1-frame job, plans, and returns n1's assignment (the task and its lease token). */
async function leaseOnN1(): Promise<{ taskId: string; token: string }> {
  const job = await h.call(aRequest("POST", "/jobs").as(tokens.clientA).json(aNativeJob({ frames: "1", secondsPerFrame: 5 })));
  expect(job.status).toBe(201);
  for (let i = 0; i < 5; i++) {
    await h.planner(aScheduledEvent(new Date(clock.now())), aLambdaContext("planner"));
    for (const nodeId of ["n1", "n2"]) {
      const r = await poll(h, nodeId);
      const mine = r.body.assignments.find((a: { jobId: string }) => a.jobId === job.body.id);
      if (mine && nodeId === "n1") return mine;
      if (mine) await h.call(aRequest("POST", `/agents/n2/tasks/${encodeURIComponent(mine.taskId)}/fail`).as(nodeToken(h, "n2")).json({ token: mine.token, kind: "interrupted" }));
    }
  }
  throw new Error("n1 got no assignment");
}

describe("a node token acts for its own node only", () => {
  it("registration with a secret answers a node id and a token that expires", async () => {
    const r = await h.call(aRequest("POST", "/agents/register").as(h.registrationSecret).json(linuxNode("n3")));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ nodeId: "n3", pollIntervalSec: 15, leaseSec: 120 });
    expect(r.body.token.split(".")).toHaveLength(3);
    expect(Date.parse(r.body.tokenExpiresAt)).toBeGreaterThan(clock.now());
  });

  it("cannot read another node's inbox (poll as n1 with n2's token is 403)", async () => {
    const r = await h.call(aRequest("POST", "/agents/n1/poll").as(nodeToken(h, "n2")).json({ tasks: [] }));
    expect(r.status).toBe(403);
  });

  it("cannot complete another node's task, and the task is not settled", async () => {
    const task = await leaseOnN1();
    const path = `/agents/n1/tasks/${encodeURIComponent(task.taskId)}/complete`;
    const forged = await h.call(aRequest("POST", path).as(nodeToken(h, "n2")).json({ token: task.token }));
    expect(forged.status).toBe(403);
    const real = await h.call(aRequest("POST", path).as(nodeToken(h, "n1")).json({ token: task.token }));
    expect(real.body).toEqual({ result: "accepted" });
  });

  it("cannot re-register another node, by its token or by the registration secret", async () => {
    const asN2 = await h.call(aRequest("POST", "/agents/register").as(nodeToken(h, "n2")).json({ ...linuxNode("n1"), slots: 64 }));
    expect(asN2.status).toBe(403);
    const bySecret = await h.call(aRequest("POST", "/agents/register").as(h.registrationSecret).json({ ...linuxNode("n1"), hostname: "evil", slots: 64 }));
    expect(bySecret.status).toBe(409);
    const n1 = await h.wired.deps.nodes.get("n1");
    expect(n1).toMatchObject({ hostname: "n1.farm.local", slots: 1 });
  });

  it("a node refreshes itself with its own token (no node id needed)", async () => {
    const r = await h.call(aRequest("POST", "/agents/register").as(nodeToken(h, "n1")).json({ ...hostOf("n1"), agentVersion: "2.0" }));
    expect(r.status).toBe(200);
    expect(r.body.nodeId).toBe("n1");
    expect((await h.wired.deps.nodes.get("n1"))!.agentVersion).toBe("2.0");
  });

  it("a registration secret opens only registration", async () => {
    expect((await h.call(aRequest("POST", "/agents/n1/poll").as(h.registrationSecret).json({ tasks: [] }))).status).toBe(403);
    expect((await h.call(aRequest("GET", "/jobs").as(h.registrationSecret))).status).toBe(403);
  });

  it("a static agent token must name its node", async () => {
    const { tokenTableSchema } = await import("../../../lib/http/auth.ts");
    expect(tokenTableSchema.safeParse({ "token-agent-any-0000000004": { kind: "agent" } }).success).toBe(false);
  });
});

describe("agents do not set their own price", () => {
  it("a registration naming pool, price, type, market, client or power is refused by field", async () => {
    const r = await h.call(aRequest("POST", "/agents/register").as(h.registrationSecret)
      .json({ ...linuxNode("greedy"), pool: "cloud", pricePerHour: 1e9, instanceType: "p5.48xlarge", market: "on-demand", clientId: "studio-a", powerBusyW: 99_999 }));
    expect(r.status).toBe(400);
    expect(r.body.error.issues.map((i: { field: string }) => i.field).sort())
      .toEqual(["clientId", "instanceType", "market", "pool", "powerBusyW", "pricePerHour"]);
    expect(await h.wired.deps.nodes.get("greedy")).toBeUndefined();
  });

  it("re-registering with its own token cannot change the node's pool or price either", async () => {
    const r = await h.call(aRequest("POST", "/agents/register").as(nodeToken(h, "n2")).json({ ...hostOf("n2"), pool: "cloud", pricePerHour: 1e9 }));
    expect(r.status).toBe(400);
    const n2 = await h.wired.deps.nodes.get("n2");
    expect(n2?.pool).toBe("onprem");
    expect(n2?.pricePerHour).toBeUndefined();
  });

  it("an on-prem node's power figures come from the operator's secret", async () => {
    const { secret } = await issueRegistrationSecret(h.wired.deps, { label: "gpu rack", powerIdleW: 150, powerBusyW: 900 }, { kind: "operator" });
    const r = await h.call(aRequest("POST", "/agents/register").as(secret).json(linuxNode("gpu-1")));
    expect(r.status).toBe(200);
    expect(await h.wired.deps.nodes.get("gpu-1")).toMatchObject({ pool: "onprem", powerIdleW: 150, powerBusyW: 900 });
  });
});

describe("token renewal and revocation", () => {
  it("renews with the current token; the new token works; another node's renewal is 403", async () => {
    clock.advance(1000);
    const r = await h.call(aRequest("POST", "/agents/n2/token").as(nodeToken(h, "n2")));
    expect(r.status).toBe(200);
    expect(Date.parse(r.body.tokenExpiresAt)).toBeGreaterThan(clock.now());
    expect((await h.call(aRequest("POST", "/agents/n2/poll").as(r.body.token).json({ tasks: [] }))).status).toBe(200);
    expect((await h.call(aRequest("POST", "/agents/n1/token").as(nodeToken(h, "n2")))).status).toBe(403);
  });

  it("an expired token is refused with 401", async () => {
    const fresh = await registerNode(h, "short-lived");
    clock.advance(3601_000);
    const r = await h.call(aRequest("POST", "/agents/short-lived/poll").as(fresh).json({ tasks: [] }));
    expect(r.status).toBe(401);
    clock.advance(-3601_000);
  });

  it("a revoked node's token stops working at once", async () => {
    await registerNode(h, "stolen");
    expect((await poll(h, "stolen")).status).toBe(200);
    const rv = await h.call(aRequest("POST", "/nodes/stolen/revoke").as(tokens.operator));
    expect(rv.status).toBe(200);
    expect(rv.body.status).toBe("disabled");
    expect((await poll(h, "stolen")).status).toBe(401);
    expect((await h.call(aRequest("POST", "/agents/stolen/token").as(nodeToken(h, "stolen")))).status).toBe(401);
  });

  it("revoking a node also stops a static agent token and IdP claims naming it", async () => {
    await registerNode(h, "n1-static-peer");
    await h.call(aRequest("POST", "/nodes/n1-static-peer/revoke").as(tokens.operator));
    const claims = aRequest("POST", "/agents/n1-static-peer/poll").withJwtClaims({ sub: "idp-agent", "burstfarm:role": "agent", "burstfarm:node": "n1-static-peer" });
    expect((await h.call(claims.json({ tasks: [] }))).status).toBe(401);
    expect((await h.call(aRequest("POST", "/agents/n1/poll").as(tokens.agentN1).json({ tasks: [] }))).status).toBe(200);
    await h.call(aRequest("POST", "/nodes/n1/revoke").as(tokens.operator));
    expect((await h.call(aRequest("POST", "/agents/n1/poll").as(tokens.agentN1).json({ tasks: [] }))).status).toBe(401);
  });

  it("a secret bound to one machine re-registers that node (after its token lapsed) and no other", async () => {
    const issued = await h.call(aRequest("POST", "/registration-secrets").as(tokens.operator).json({ label: "ws-12", nodeId: "ws-12" }));
    expect(issued.body.nodeId).toBe("ws-12");
    const first = await h.call(aRequest("POST", "/agents/register").as(issued.body.secret).json(hostOf("ws-12")));
    expect(first.body.nodeId).toBe("ws-12");
    const monday = await h.call(aRequest("POST", "/agents/register").as(issued.body.secret).json({ ...hostOf("ws-12"), agentVersion: "3" }));
    expect(monday.status).toBe(200);
    expect(monday.body.nodeId).toBe("ws-12");
    expect((await h.wired.deps.nodes.get("ws-12"))!.agentVersion).toBe("3");
    expect((await h.call(aRequest("POST", "/agents/register").as(issued.body.secret).json(linuxNode("n2")))).status).toBe(403);
    const forN2 = await h.call(aRequest("POST", "/registration-secrets").as(tokens.operator).json({ nodeId: "n2" }));
    expect((await h.call(aRequest("POST", "/agents/register").as(forN2.body.secret).json(hostOf("n2")))).status).toBe(409);
  });

  it("an expired registration secret admits no one", async () => {
    const { secret } = await issueRegistrationSecret(h.wired.deps, { label: "one minute", expiresInSec: 60 }, { kind: "operator" });
    clock.advance(61_000);
    expect((await h.call(aRequest("POST", "/agents/register").as(secret).json(linuxNode("late")))).status).toBe(401);
    expect(await h.wired.deps.nodes.get("late")).toBeUndefined();
  });

  it("without signing keys, registration refuses before writing anything", async () => {
    const { credentials: _c, ...noKeys } = h.wired.deps;
    const secret = (await h.wired.deps.secrets.list())[0]!;
    const err = await registerAgent(noKeys, { ...linuxNode("keyless") }, { kind: "registrant", secretId: secret.id }).catch((e: Error) => e);
    expect((err as Error).name).toBe("RetryableError");
    expect(await h.wired.deps.nodes.get("keyless")).toBeUndefined();
  });

  it("a revoked registration secret admits no one", async () => {
    const issued = await h.call(aRequest("POST", "/registration-secrets").as(tokens.operator).json({ label: "temp" }));
    expect(issued.status).toBe(201);
    expect((await h.call(aRequest("POST", "/agents/register").as(issued.body.secret).json(linuxNode("t1")))).status).toBe(200);
    const listed = await h.call(aRequest("GET", "/registration-secrets").as(tokens.operator));
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.secret);
    expect((await h.call(aRequest("DELETE", `/registration-secrets/${issued.body.id}`).as(tokens.operator))).body.revokedAt).not.toBeNull();
    expect((await h.call(aRequest("POST", "/agents/register").as(issued.body.secret).json(linuxNode("t2")))).status).toBe(401);
    expect((await h.call(aRequest("POST", "/agents/register").as(`${issued.body.secret.slice(0, -4)}AAAA`).json(linuxNode("t3")))).status).toBe(401);
  });
});

describe("what API Gateway must check per route (for the stack)", () => {
  it("agent and registration routes are verified by the Lambda; only the session exchange needs IAM", async () => {
    const doc = (await h.call(aRequest("GET", "/openapi.json").as(tokens.operator))).body;
    const auth = (path: string, method: string) => doc.paths[path][method]["x-burstfarm-gateway-auth"];
    expect(auth("/agents/register", "post")).toBe("none");
    expect(auth("/agents/{nodeId}/poll", "post")).toBe("none");
    expect(auth("/agents/session-token", "post")).toBe("iam");
    expect(auth("/jobs", "post")).toBe("jwt");
    expect(auth("/registration-secrets", "post")).toBe("jwt");
  });
});

describe("IAM: a cloud agent is the launched instance its role session names", () => {
  const arn = (role: string, session: string) => `arn:aws:sts::111111111111:assumed-role/${role}/${session}`;

  beforeAll(async () => {
    await admitNode(h.wired.deps, { nodeId: "i-0cafe0000000001", instanceId: "i-0cafe0000000001", pool: "cloud", ...hostOf("x"), instanceType: "c7i.8xlarge", market: "spot", pricePerHour: 1.4, clientId: "studio-a" }, system);
  });

  it("acts for its instance's node and no other", async () => {
    const me = arn(agentRoleName, "i-0cafe0000000001");
    expect((await h.call(aRequest("POST", "/agents/i-0cafe0000000001/poll").withIamCaller(me).json({ tasks: [] }))).status).toBe(200);
    expect((await h.call(aRequest("POST", "/agents/n1/poll").withIamCaller(me).json({ tasks: [] }))).status).toBe(403);
  });

  it("exchanges its session for a node token bound to its instance", async () => {
    const r = await h.call(aRequest("POST", "/agents/session-token").withIamCaller(arn(agentRoleName, "i-0cafe0000000001")));
    expect(r.status).toBe(200);
    expect((await h.call(aRequest("POST", "/agents/i-0cafe0000000001/poll").as(r.body.token).json({ tasks: [] }))).status).toBe(200);
    expect((await h.call(aRequest("POST", "/agents/n1/poll").as(r.body.token).json({ tasks: [] }))).status).toBe(403);
  });

  it("refreshing keeps the launch record's type, market and price", async () => {
    const r = await h.call(aRequest("POST", "/agents/register").withIamCaller(arn(agentRoleName, "i-0cafe0000000001")).json(hostOf("i-0cafe0000000001")));
    expect(r.status).toBe(200);
    expect(await h.wired.deps.nodes.get("i-0cafe0000000001")).toMatchObject({ pool: "cloud", instanceType: "c7i.8xlarge", market: "spot", pricePerHour: 1.4 });
  });

  it.each([
    ["a session naming an on-prem node", arn(agentRoleName, "n1")],
    ["a session naming no launched instance", arn(agentRoleName, "i-0beef0000000001")],
    ["another role whose name merely starts like the agent role", arn(`${agentRoleName}-x`, "i-0cafe0000000001")],
    ["a role whose path contains the agent role", `arn:aws:sts::111111111111:assumed-role/x/${agentRoleName}/i-0cafe0000000001`],
  ])("refuses %s", async (_what, callerArn) => {
    const r = await h.call(aRequest("POST", "/agents/i-0cafe0000000001/poll").withIamCaller(callerArn).json({ tasks: [] }));
    expect(r.status).toBe(403);
  });
});
