/**
 * Schema-driven fuzzing of the whole API, generated from GET /openapi.json: for every route and
 * every kind of credential (none, garbage, two clients, operator, a node token, a static agent
 * token, a registration secret), requests with valid and broken path parameters, queries and
 * bodies (fast-check arbitraries from the route schemas). Every answer must be
 *   - not a 5xx,
 *   - what the document says (a documented status; the body matches its schema or Problem),
 *   - and a 4xx must leave the stored state exactly as it was.
 * Bounded in time (a coverage pass of every route × credential, then random cases for 10 s, or
 * BURSTFARM_FUZZ_MS).
 */
import { createHash } from "node:crypto";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aLambdaContext, aScheduledEvent, type RequestBuilder } from "../../builders/api-events.ts";
import { invalid, nasty, valid, type JsonSchema } from "../../support/schema-arbitrary.ts";
import { poll, registerNode } from "./agents.ts";
import { aNativeJob, aRequest, seedClients, startApi, tokens, type ApiHarness, type Reply } from "./harness.ts";

/** Random phase length; `BURSTFARM_FUZZ_MS=600000 npx vitest run test/integration/http/api.fuzz.test.ts` for a long hunt. */
const fuzzMs = Number(process.env.BURSTFARM_FUZZ_MS ?? 10_000);
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

let h: ApiHarness;
let doc: { paths: Record<string, Record<string, JsonSchema>>; components: { schemas: Record<string, JsonSchema> } };
const credentials: Record<string, string | undefined> = {};
const known: Record<string, string[]> = {};
const leaseTokens: string[] = [];

beforeAll(async () => {
  h = await startApi();
  await seedClients(h);
  const jobs = [];
  for (const name of ["a1", "a2"]) jobs.push((await h.call(aRequest("POST", "/jobs").as(tokens.clientA).json(aNativeJob({ name })))).body.id);
  jobs.push((await h.call(aRequest("POST", "/jobs").as(tokens.clientB).json(aNativeJob({ name: "b1" })))).body.id);
  for (const n of ["n1", "n2", "n3"]) await registerNode(h, n);
  await h.planner(aScheduledEvent(), aLambdaContext("planner"));
  const assigned = (await poll(h, "n1")).body.assignments as { taskId: string; token: string }[];
  leaseTokens.push(...assigned.map((a) => a.token));
  const spare = await h.call(aRequest("POST", "/registration-secrets").as(tokens.operator).json({ label: "spare" }));
  Object.assign(known, {
    "/jobs/{id}": [...jobs, "job-missing"], "/clients/{id}": ["studio-a", "studio-b", "nobody"], "/nodes/{id}": ["n2", "n3", "n9"],
    "/registration-secrets/{id}": [spare.body.id, "rs-missing"], nodeId: ["n1", "n2"], taskId: [...assigned.map((a) => a.taskId), `${jobs[0]}:render:0`],
  });
  Object.assign(credentials, {
    none: undefined, garbage: "Bearer not-a-token-at-all", malformed: "Basic dXNlcjpwYXNz", clientA: `Bearer ${tokens.clientA}`,
    clientB: `Bearer ${tokens.clientB}`, operator: `Bearer ${tokens.operator}`, node: `Bearer ${h.nodeTokens.get("n1")}`,
    staticAgent: `Bearer ${tokens.agentN1}`, registrant: `Bearer ${h.registrationSecret}`,
  });
  doc = (await h.call(aRequest("GET", "/openapi.json").as(tokens.operator))).body;
  lastPrint = await fingerprint();
});
afterAll(async () => h?.stop());

/** Everything stored, as one hash: a refused request must not change it. */
async function fingerprint(): Promise<string> {
  const items: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await h.aws.doc.send(new ScanCommand({ TableName: h.aws.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start);
  const text = items.map((i) => JSON.stringify(i, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v))).sort().join("\n");
  return createHash("sha256").update(text).digest("hex");
}
let lastPrint = "";

interface Operation { method: string; path: string; op: JsonSchema }
const kindOf: Record<string, string> = { clientA: "client", clientB: "client", operator: "operator", node: "agent", staticAgent: "agent", registrant: "registrant" };
const operations = (): Operation[] => Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([m, op]) => ({ method: m.toUpperCase(), path, op })));

const ajv = addFormats(new Ajv2020({ strict: false, allErrors: false }));
const validators = new Map<string, ReturnType<Ajv2020["compile"]>>();
function validatorFor(key: string, schema: JsonSchema) {
  let v = validators.get(key);
  if (!v) { v = ajv.compile(schema); validators.set(key, v); }
  return v;
}

interface Case { credential: string; path: string; query: Record<string, string>; body: unknown; hasBody: boolean; contentType: string; idempotencyKey: string | undefined }

function caseFor(o: Operation): fc.Arbitrary<Case> {
  const params = (o.op.parameters ?? []) as { name: string; in: string; schema: JsonSchema; required: boolean }[];
  const pathParams = params.filter((p) => p.in === "path");
  const queryParams = params.filter((p) => p.in === "query");
  const segment = (p: { name: string; schema: JsonSchema }) => fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...(known[o.path] ?? known[p.name] ?? ["x"])) },
    { weight: 2, arbitrary: valid(p.schema).map(String) },
    { weight: 1, arbitrary: nasty.map((v) => (typeof v === "string" && v !== "" ? v : JSON.stringify(v))) },
  );
  const path = fc.tuple(...pathParams.map(segment)).map((values) =>
    values.reduce<string>((acc, v, i) => acc.replace(`{${pathParams[i]!.name}}`, encodeURIComponent(v)), o.path));
  const queryValue = (p: { name: string; schema: JsonSchema }) => fc.oneof(
    { weight: 4, arbitrary: p.name === "cursor" ? cursorLike : valid(p.schema) }, { weight: 1, arbitrary: nasty },
  ).map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
  const query = fc.record(Object.fromEntries(queryParams.map((p) => [p.name, queryValue(p)])), { requiredKeys: [] })
    .map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as Record<string, string>);
  const schema = o.op.requestBody?.content?.["application/json"]?.schema as JsonSchema | undefined;
  const body = schema
    ? fc.oneof(
      { weight: 3, arbitrary: valid(schema).map(grounded) }, { weight: 1, arbitrary: valid(schema) },
      { weight: 3, arbitrary: invalid(schema) }, { weight: 1, arbitrary: nasty },
    )
      .chain((b) => fc.boolean().map((useLease) => withLeaseToken(b, useLease)))
    : fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: nasty });
  // Mostly credentials the route accepts (to get past authentication), sometimes any.
  const accepted = Object.keys(credentials).filter((k) => (o.op["x-burstfarm-principals"] as string[]).includes(kindOf[k] ?? ""));
  return fc.record({
    credential: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...(accepted.length > 0 ? accepted : Object.keys(credentials))) },
      { weight: 1, arbitrary: fc.constantFrom(...Object.keys(credentials)) },
    ),
    path: pathParams.length > 0 ? path : fc.constant(o.path),
    query,
    body,
    hasBody: schema ? fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) : fc.boolean(),
    contentType: fc.constantFrom("application/json", "application/json", "application/json", "Application/JSON; charset=utf-8", "text/plain", "application/x-www-form-urlencoded"),
    idempotencyKey: fc.option(fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/), fc.string({ maxLength: 200 })), { nil: undefined }),
  });
}

/** Cursors as an attacker would forge them: base64url JSON with our key names and partition prefixes. */
const cursorLike = fc.dictionary(
  fc.constantFrom("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "m", "c"),
  fc.oneof(
    fc.constantFrom("CLIENTJOBS#studio-a", "JOBS#active", "AUDIT#studio-a", "AUDIT#_farm", "AUDITMONTH#2026-11", "2026-11", "zzzz", "0000"),
    fc.string({ maxLength: 30 }), fc.integer(),
  ),
  { minKeys: 1, maxKeys: 5 },
).map((k) => Buffer.from(JSON.stringify(k)).toString("base64url"));

/**
 * A schema-valid body made to fit this farm, so requests get past the checks a schema cannot
 * state (the client exists, prerequisites exist, frames parse): no client named (callers act
 * for themselves), no prerequisites, plain frames.
 */
function grounded(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  delete out.client;
  if ("dependsOn" in out) out.dependsOn = [];
  if (typeof out.frames === "string" || (out.frames && typeof out.frames === "object")) out.frames = "1-10";
  if (Array.isArray(out.steps)) out.steps = out.steps.map((st: Record<string, unknown>) => ({ ...st, frames: "1-4", dependsOn: [] }));
  return out;
}

/** Bodies with a lease `token` sometimes carry a real one, so settlement paths are reached. */
function withLeaseToken(body: unknown, use: boolean): unknown {
  if (!use || leaseTokens.length === 0 || !body || typeof body !== "object" || Array.isArray(body) || !("token" in body)) return body;
  return { ...(body as object), token: leaseTokens[0] };
}

function requestOf(o: Operation, c: Case): RequestBuilder {
  const req = aRequest(o.method, c.path);
  const auth = credentials[c.credential];
  if (auth !== undefined) req.header("Authorization", auth);
  if (Object.keys(c.query).length > 0) req.withQuery(c.query);
  if (c.idempotencyKey !== undefined) req.header("Idempotency-Key", c.idempotencyKey);
  if (c.hasBody && c.body !== undefined) req.raw(JSON.stringify(c.body), c.contentType);
  return req;
}

const failures: string[] = [];
/** Routes that answered 2xx at least once: the fuzzer must get past authentication and validation, not only be refused. */
const succeeded = new Set<string>();

async function check(o: Operation, c: Case): Promise<boolean> {
  const before = lastPrint;
  const r: Reply = await h.call(requestOf(o, c));
  const where = `${o.method} ${c.path} as ${c.credential} → ${r.status} ${JSON.stringify(r.body)?.slice(0, 300)}\n  case: ${JSON.stringify(c).slice(0, 600)}`;
  const problems: string[] = [];
  if (r.status >= 500) problems.push("5xx");
  const documented = o.op.responses?.[String(r.status)] ?? (r.status >= 400 && r.status < 500 ? o.op.responses?.["4XX"] : undefined);
  if (!documented) problems.push(`status ${r.status} is not documented`);
  const schema = documented?.content?.["application/json"]?.schema as JsonSchema | undefined;
  if (schema) {
    const target = schema.$ref ? doc.components.schemas[String(schema.$ref).split("/").pop()!]! : schema;
    const v = validatorFor(`${o.method} ${o.path} ${r.status >= 400 ? "4XX" : r.status}`, target);
    if (!v(r.body)) problems.push(`body does not match the document: ${ajv.errorsText(v.errors)}`);
  }
  lastPrint = await fingerprint();
  if (r.status >= 400 && r.status < 500 && lastPrint !== before) problems.push("a refused request changed stored state");
  if (r.status < 300) succeeded.add(`${o.method} ${o.path}`);
  if (problems.length > 0) failures.push(`${problems.join("; ")}: ${where}`);
  return problems.length === 0;
}

describe("API fuzzing from the OpenAPI document", () => {
  it("every route × every credential: valid-looking requests get no 5xx and documented answers", async () => {
    let covered = 0;
    for (const o of operations()) {
      for (const credential of Object.keys(credentials)) {
        const [c] = fc.sample(caseFor(o), { numRuns: 1, seed: covered + 13 });
        await check(o, { ...c!, credential, hasBody: c!.body !== undefined && o.op.requestBody !== undefined, contentType: "application/json" });
        covered++;
      }
    }
    expect(covered).toBe(operations().length * Object.keys(credentials).length);
    expect(failures).toEqual([]);
  }, 120_000);

  it("random valid and broken requests: no 5xx, documented answers, no state change on 4xx", async () => {
    const ops = operations();
    let runs = 0;
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ops).chain((o) => caseFor(o).map((c) => [o, c] as const)), async ([o, c]) => {
      runs++;
      if (!(await check(o, c))) throw new Error(failures.at(-1));
    }), { numRuns: 1_000_000, interruptAfterTimeLimit: fuzzMs, markInterruptAsFailure: false, endOnFailure: true });
    expect(failures).toEqual([]);
    if (process.env.BURSTFARM_FUZZ_MS) console.info(`fuzz: ${runs} random cases, ${succeeded.size} routes answered 2xx`);
    // Floors, not targets: the run is time-bounded and the machine may be busy.
    expect(runs).toBeGreaterThan(50);
    expect(succeeded.size).toBeGreaterThanOrEqual(12);
  }, fuzzMs + 50_000);
});
