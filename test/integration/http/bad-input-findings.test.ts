/**
 * One test per bad-input finding of issue 13: each got a 5xx, a half-write or a wrong answer
 * before; each now gets a 4xx naming the field (or the right answer), and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aLambdaContext, aScheduledEvent } from "../../builders/api-events.ts";
import { registerNode } from "./agents.ts";
import { aNativeJob, aRequest, seedClients, startApi, tokens, type ApiHarness, type Reply } from "./harness.ts";

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
  await seedClients(h);
  await registerNode(h, "n1");
});
afterAll(async () => h?.stop());

const asA = (method: string, path: string) => aRequest(method, path).as(tokens.clientA);
const fields = (r: Reply) => (r.body.error?.issues ?? []).map((i: { field: string }) => i.field);
const cursorOf = (key: unknown) => Buffer.from(JSON.stringify(key)).toString("base64url");

/** Every job and audit event of studio-a: what a refused request must not have added to. */
async function footprint(): Promise<{ jobs: number; events: number }> {
  const jobs = await h.call(aRequest("GET", "/jobs").as(tokens.operator).withQuery({ clientId: "studio-a", limit: 100 }));
  const events = await h.call(aRequest("GET", "/audit").as(tokens.operator).withQuery({ clientId: "studio-a", limit: 100 }));
  return { jobs: jobs.body.items.length, events: events.body.items.length };
}

describe("numbers DynamoDB cannot store", () => {
  it.each([
    ["a share of 5e-324 (client body)", aRequest("POST", "/clients").as(tokens.operator), { id: "tiny", name: "t", guaranteedShare: 5e-324 }, "guaranteedShare"],
    ["a budget above 2^53 (client body)", aRequest("POST", "/clients").as(tokens.operator), { id: "rich", name: "r", cloudBudgetPerMonth: 2 ** 60 }, "cloudBudgetPerMonth"],
    ["a preview quality of 3e-146 (job body)", asA("POST", "/jobs"), aNativeJob({ preview: { lowQualityPass: { everyNth: 2, quality: 3e-146 } } }), "preview.lowQualityPass.quality"],
    ["host metrics of 3e-146 (agent body)", aRequest("POST", "/agents/n1/poll"), { tasks: [], metrics: { cpuPct: 3e-146, memoryPct: 1 } }, "metrics.cpuPct"],
  ])("%s is a 400 naming the field, and nothing is stored", async (_what, req, body, field) => {
    const before = await footprint();
    if (req.build().rawPath.startsWith("/agents/")) req.as(h.nodeTokens.get("n1")!);
    const r = await h.call(req.json(body));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual([field]);
    expect(r.body.error.message).toMatch(/out of range/);
    expect(await footprint()).toEqual(before);
    expect((await h.call(aRequest("GET", "/clients").as(tokens.operator))).body.items.map((c: { id: string }) => c.id).sort()).toEqual(["studio-a", "studio-b"]);
    expect((await h.wired.deps.nodes.get("n1"))!.metrics).toBeNull();
  });
});

describe("ids and sizes DynamoDB counts its own way", () => {
  it("a dependsOn entry longer than a key may be is a 400 on that entry", async () => {
    const r = await h.call(asA("POST", "/jobs").json(aNativeJob({ dependsOn: ["j".repeat(3000)] })));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(["dependsOn[0]"]);
  });

  it("the stored-size guard counts UTF-8 bytes: 198,900 CJK characters are refused, not a 500", async () => {
    const before = await footprint();
    // Varied characters (so compression cannot hide them): under 200,000 UTF-16 units, ~600 KB of UTF-8.
    const cjk = Array.from({ length: 198_900 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20_000))).join("");
    const r = await h.call(asA("POST", "/jobs").json(aNativeJob({ requirements: { gpuModels: [cjk] } })));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(["steps"]);
    expect(r.body.error.message).toMatch(/UTF-8/);
    expect(await footprint()).toEqual(before);
  });
});

describe("hand-made cursors", () => {
  it("a cursor for one's own job list with the wrong keys is a 400 on cursor", async () => {
    const r = await h.call(asA("GET", "/jobs").withQuery({ cursor: cursorOf({ gsi2pk: "CLIENTJOBS#studio-a" }) }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(["cursor"]);
  });

  it("a cursor for one's own audit trail with the wrong keys is a 400 on cursor", async () => {
    const r = await h.call(asA("GET", "/audit").withQuery({ cursor: cursorOf({ pk: "AUDIT#studio-a" }) }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(["cursor"]);
  });

  it("a cursor with the right keys but outside the query's range is a 400 on cursor", async () => {
    const r = await h.call(asA("GET", "/audit").withQuery({ cursor: cursorOf({ pk: "AUDIT#studio-a", sk: "zz" }) }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(["cursor"]);
  });

  it("a farm-wide audit cursor naming no month of the window is a 400, not an endless walk", async () => {
    const r = await h.call(aRequest("GET", "/audit").as(tokens.operator).withQuery({ cursor: cursorOf({ m: "zzzz" }) }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(["cursor"]);
  });
});

describe("frames", () => {
  it("two 400-digit frame numbers are a 400 on frames; no job is stored and no audit event written", async () => {
    const before = await footprint();
    const huge = "9".repeat(400);
    const r = await h.call(asA("POST", "/jobs").json(aNativeJob({ frames: `${huge}-${huge}` })));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(["frames"]);
    expect(await footprint()).toEqual(before);
  });

  it("99999999999999999999 is refused, not silently made 1e20", async () => {
    const r = await h.call(asA("POST", "/jobs").json(aNativeJob({ frames: "1,99999999999999999999" })));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain("99999999999999999999".slice(0, 5));
  });

  it("overlapping frames (every frame twice) are refused; interleaved steps are not overlap", async () => {
    const r = await h.call(asA("POST", "/jobs").json(aNativeJob({ frames: "1-500000,1-500000" })));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/frame 1 is listed more than once/);
    const stepped = await h.call(asA("POST", "/jobs").json(aNativeJob({ frames: "1-99:2,5-9:2" })));
    expect(stepped.status).toBe(400);
    expect(stepped.body.error.message).toMatch(/frame 5 is listed/);
    const interleaved = await h.call(asA("POST", "/jobs").json(aNativeJob({ frames: "1-99:2,2-100:2" })));
    expect(interleaved.status).toBe(201);
    expect(interleaved.body.progress.tasks).toBe(100);
    await h.call(asA("DELETE", `/jobs/${interleaved.body.id}`));
  });
});

describe("the audit window", () => {
  it("from the earliest date to 0 answers at once (the walk is bounded), and an impossible date is a 400", async () => {
    const r = await h.call(aRequest("GET", "/audit").as(tokens.operator).withQuery({ from: "-271821-04-20T00:00:00Z", to: "0" }));
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([]);
    const beyond = await h.call(aRequest("GET", "/audit").as(tokens.operator).withQuery({ from: "99999999999999999999" }));
    expect(beyond.status).toBe(400);
    expect(fields(beyond)).toEqual(["query.from"]);
  });
});

describe("job views of extreme plans", () => {
  it("a projected finish beyond any date reads as no projection; GET and PATCH answer 200 and the edit is not half-done", async () => {
    const job = await h.call(asA("POST", "/jobs").json(aNativeJob()));
    await h.wired.deps.plans.saveLatest({
      at: Date.now(), burst: [], nodeActions: [], warnings: [], assignmentsWritten: 0, assignmentsSkipped: 0,
      decisions: [{
        jobId: job.body.id, clientId: "studio-a", outcome: "queued", reason: "r", rank: 0, slackSec: -1e300,
        effectiveDeadlineAt: null, atRisk: true, projectedFinishAt: Number.MAX_SAFE_INTEGER, remainingWorkSec: 1, tasksAssigned: 0,
      }],
    });
    const got = await h.call(asA("GET", `/jobs/${job.body.id}`));
    expect(got.status).toBe(200);
    expect(got.body.outlook).toMatchObject({ projectedFinish: null, meetsDeadline: false, atRisk: true });
    for (const priority of [60, 70, 80, 90]) {
      const edit = await h.call(asA("PATCH", `/jobs/${job.body.id}`).json({ priority }));
      expect(edit.status).toBe(200);
      expect(edit.body.priority).toBe(priority);
    }
    await h.call(asA("DELETE", `/jobs/${job.body.id}`));
  });
});

describe("HTTP details", () => {
  it("Content-Type is matched without regard to case", async () => {
    const r = await h.call(asA("POST", "/jobs").raw(JSON.stringify(aNativeJob()), "APPLICATION/JSON; charset=UTF-8"));
    expect(r.status).toBe(201);
    await h.call(asA("DELETE", `/jobs/${r.body.id}`));
  });

  it("a 405 names the allowed methods in Allow", async () => {
    const r = await h.call(asA("PUT", "/jobs"));
    expect(r.status).toBe(405);
    expect(String(r.headers.allow).split(", ").sort()).toEqual(["GET", "POST"]);
    const one = await h.call(asA("GET", "/jobs/x/approve"));
    expect(one.headers.allow).toBe("POST");
  });

  it("the OpenAPI document states the rules the API enforces", async () => {
    const doc = (await h.call(asA("GET", "/openapi.json"))).body;
    const native = doc.paths["/jobs"].post.requestBody.content["application/json"].schema.anyOf[1];
    expect(native.oneOf).toEqual([
      { required: ["frames", "secondsPerFrame"], not: { required: ["steps"] } },
      { required: ["steps"], not: { required: ["frames"] } },
    ]);
    expect(doc.paths["/jobs/{id}"].patch.requestBody.content["application/json"].schema.minProperties).toBe(1);
    expect(doc.paths["/clients/{id}"].patch.requestBody.content["application/json"].schema.minProperties).toBe(1);
    expect(doc.paths["/clients"].post.requestBody.content["application/json"].schema.description).toMatch(/maxShare must be at least guaranteedShare/);
    const usageTo = doc.paths["/clients/{id}/usage"].get.parameters.find((p: { name: string }) => p.name === "to");
    expect(usageTo.description).toMatch(/not be before from/);
    expect(doc.info.description).toMatch(/1e-130 and 9007199254740991/);
    expect(Object.keys(doc.paths["/jobs"].post.responses)).toEqual(expect.arrayContaining(["200", "201"]));
    expect(doc.paths["/jobs"].post.parameters).toContainEqual(expect.objectContaining({ name: "Idempotency-Key", in: "header" }));
  });
});

describe("idempotent submission", () => {
  it("a retry that spells out a default is the same request: 200 with the same job, not 409", async () => {
    const body = aNativeJob({ name: "idem" });
    const first = await h.call(asA("POST", "/jobs").header("Idempotency-Key", "idem-1").json(body));
    expect(first.status).toBe(201);
    const spelled = await h.call(asA("POST", "/jobs").header("Idempotency-Key", "idem-1").json({ ...body, priority: 50, client: "studio-a", chunkSize: 1 }));
    expect(spelled.status).toBe(200);
    expect(spelled.body.id).toBe(first.body.id);
    const other = await h.call(asA("POST", "/jobs").header("Idempotency-Key", "idem-1").json({ ...body, priority: 51 }));
    expect(other.status).toBe(409);
    await h.call(asA("DELETE", `/jobs/${first.body.id}`));
  });
});

describe("prerequisites that will never finish", () => {
  it("a job whose prerequisite was canceled is blocked, says so, and names the policy", async () => {
    const pre = await h.call(asA("POST", "/jobs").json(aNativeJob({ name: "pre" })));
    const dependent = await h.call(asA("POST", "/jobs").json(aNativeJob({ name: "dependent", dependsOn: [pre.body.id] })));
    expect(dependent.status).toBe(201);
    await h.call(asA("DELETE", `/jobs/${pre.body.id}`));
    await h.planner(aScheduledEvent(), aLambdaContext("planner"));
    const r = await h.call(asA("GET", `/jobs/${dependent.body.id}`));
    expect(r.body.why.outcome).toBe("blocked");
    expect(r.body.why.reason).toContain(`prerequisite job ${pre.body.id} was canceled`);
    expect(r.body.why.reason).not.toMatch(/finished jobs are dropped/);
  });
});

describe("a poll with one malformed report", () => {
  it("is refused whole, naming the report; the well-formed report beside it is not settled", async () => {
    const job = await h.call(asA("POST", "/jobs").json(aNativeJob({ frames: "1", secondsPerFrame: 5, name: "one-frame" })));
    await h.planner(aScheduledEvent(), aLambdaContext("planner"));
    const token = h.nodeTokens.get("n1")!;
    const polled = await h.call(aRequest("POST", "/agents/n1/poll").as(token).json({ tasks: [] }));
    const task = polled.body.assignments.find((a: { jobId: string }) => a.jobId === job.body.id);
    expect(task).toBeDefined();
    const r = await h.call(aRequest("POST", "/agents/n1/poll").as(token).json({
      tasks: [{ taskId: task.taskId, token: task.token, state: "succeeded" }, { taskId: "garbage", token: "t", state: "running" }],
    }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(["tasks[1].taskId"]);
    expect((await h.call(asA("GET", `/jobs/${job.body.id}`))).body.progress.done).toBe(0);
    await h.call(asA("DELETE", `/jobs/${job.body.id}`));
  });
});

describe("deep nesting", () => {
  it("a body nested 100,000 levels deep is refused promptly with a 4xx naming a field", async () => {
    const deep = `${"[".repeat(100_000)}5e-324${"]".repeat(100_000)}`;
    const r = await h.call(asA("POST", "/jobs").raw(deep, "application/json"));
    expect(r.status).toBe(400);
    const deepObject = `{"name":${"{\"a\":".repeat(50_000)}1${"}".repeat(50_000)}}`;
    const o = await h.call(asA("POST", "/jobs").raw(deepObject, "application/json"));
    expect(o.status).toBe(400);
    expect(fields(o)[0]).toMatch(/^name/);
  });
});

describe("deep nesting where a schema takes any JSON", () => {
  it.each([
    ["an OpenJD template object", (deep: string) => `{"template":${deep}}`],
    ["an OpenJD parameter", (deep: string) => `{"template":{"specificationVersion":"jobtemplate-2023-09","name":"t","steps":[]},"parameters":{"p":${deep}}}`],
    ["requirements.amounts", (deep: string) => `{"name":"x","frames":"1","secondsPerFrame":1,"requirements":{"amounts":${deep}}}`],
  ])("%s nested 50,000 deep is a 4xx", async (_what, body) => {
    const deep = `${"{\"a\":".repeat(50_000)}1${"}".repeat(50_000)}`;
    const r = await h.call(asA("POST", "/jobs").raw(body(deep), "application/json"));
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
  });
});
