/**
 * Every class of bad input gets a 4xx that names the field and the problem — never a 5xx,
 * never a half-written job.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aNativeJob, aRequest, seedClients, startApi, tokens, type ApiHarness } from "./harness.ts";

let h: ApiHarness;
beforeAll(async () => {
  h = await startApi();
  await seedClients(h);
});
afterAll(async () => h?.stop());

const submit = (body: unknown) => aRequest("POST", "/jobs").as(tokens.clientA).json(body);
const fields = (r: { body: { error: { issues: { field: string }[] } } }) => r.body.error.issues.map((i) => i.field);

/** Every job of studio-a (any status), where the refused submissions would have landed. */
async function jobCount(): Promise<number> {
  const r = await h.call(aRequest("GET", "/jobs").as(tokens.operator).withQuery({ clientId: "studio-a" }));
  return r.body.items.length;
}

describe("bad input is refused with a 4xx naming the field", () => {
  it("malformed JSON is a 400 on body", async () => {
    const r = await h.call(aRequest("POST", "/jobs").as(tokens.clientA).raw('{"name": "x",', "application/json"));
    expect(r.status).toBe(400);
    expect(r.body.error.issues[0]).toMatchObject({ field: "body" });
    expect(r.body.error.message).toMatch(/malformed JSON/);
  });

  it("a body that is not JSON by content type is a 415 on content-type", async () => {
    const r = await h.call(aRequest("POST", "/jobs").as(tokens.clientA).raw("name=x", "application/x-www-form-urlencoded"));
    expect(r.status).toBe(415);
    expect(fields(r)).toEqual(["content-type"]);
  });

  it("a wrong type names the field", async () => {
    const r = await h.call(submit(aNativeJob({ secondsPerFrame: "sixty" })));
    expect(r.status).toBe(400);
    expect(fields(r)).toContain("secondsPerFrame");
  });

  it("an unknown field is refused by name", async () => {
    const r = await h.call(submit(aNativeJob({ colour: "blue" })));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain("colour");
  });

  it("an unknown field on PATCH is refused by name", async () => {
    const r = await h.call(aRequest("PATCH", "/jobs/job-x").as(tokens.clientA).json({ deadlin: "2030-01-01T00:00:00Z" }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(["deadlin"]);
    expect(r.body.error.issues[0].problem).toBe("unknown field");
  });

  it("an oversized body is a 413 before it is parsed", async () => {
    const big = JSON.stringify(aNativeJob({ name: "x".repeat(2 * 1024 * 1024) }));
    const r = await h.call(aRequest("POST", "/jobs").as(tokens.clientA).raw(big, "application/json"));
    expect(r.status).toBe(413);
    expect(fields(r)).toEqual(["body"]);
  });

  it("a deadline in the past names deadline", async () => {
    const r = await h.call(submit(aNativeJob({ deadline: new Date(Date.now() - 3_600_000).toISOString() })));
    expect(r.status).toBe(400);
    expect(fields(r)).toContain("deadline");
  });

  it("a deadline edit into the past names deadline and changes nothing", async () => {
    const created = await h.call(aRequest("POST", "/jobs").as(tokens.clientB).json(aNativeJob()));
    expect(created.status).toBe(201);
    const r = await h.call(aRequest("PATCH", `/jobs/${created.body.id}`).as(tokens.clientB).json({ deadline: "2001-01-01T00:00:00Z", priority: 90 }));
    expect(r.status).toBe(400);
    expect(fields(r)).toContain("deadline");
    const after = await h.call(aRequest("GET", `/jobs/${created.body.id}`).as(tokens.clientB));
    expect(after.body).toMatchObject({ deadline: created.body.deadline, priority: 50 });
    await h.call(aRequest("DELETE", `/jobs/${created.body.id}`).as(tokens.clientB));
  });

  it("a dependency cycle between steps names steps", async () => {
    const step = (name: string, dependsOn: string[]) => ({ name, dependsOn, frames: "1-2", secondsPerFrame: 10 });
    const { frames: _f, secondsPerFrame: _s, ...rest } = aNativeJob();
    const r = await h.call(submit({ ...rest, steps: [step("a", ["b"]), step("b", ["a"])] }));
    expect(r.status).toBe(400);
    expect(fields(r).join(" ")).toMatch(/steps/);
    expect(r.body.error.message).toMatch(/cycle/i);
  });

  it("an unknown client names client", async () => {
    const r = await h.call(aRequest("POST", "/jobs").as(tokens.operator).json(aNativeJob({ client: "studio-zzz" })));
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(fields(r)).toContain("client");
  });

  it("an invalid OpenJD template names the template field", async () => {
    const r = await h.call(submit({ template: { specificationVersion: "jobtemplate-2023-09", name: "t", steps: [{ name: "s" }] } }));
    expect(r.status).toBe(400);
    expect(fields(r).some((f) => f.startsWith("template"))).toBe(true);
  });

  it("a bad query parameter names it", async () => {
    const r = await h.call(aRequest("GET", "/jobs").as(tokens.clientA).withQuery({ limit: "lots" }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(["query.limit"]);
  });

  it("a reversed usage range names to", async () => {
    const r = await h.call(aRequest("GET", "/clients/studio-a/usage").as(tokens.clientA).withQuery({ from: "2026-11-20", to: "2026-11-01" }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(["query.to"]);
  });

  it("none of the refused submissions wrote a job", async () => {
    expect(await jobCount()).toBe(0);
  });

  it("a broken percent-escape in the path names the path parameter", async () => {
    const r = await h.call(aRequest("GET", "/jobs/%E0%A4%A").as(tokens.clientA));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(["path.id"]);
  });

  it("a body on a route that takes none is refused", async () => {
    const r = await h.call(aRequest("POST", "/jobs/job-1/approve").as(tokens.clientA).json({ approve: true }));
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(["body"]);
  });

  it("an unknown route is a 404 and a wrong method a 405", async () => {
    expect((await h.call(aRequest("GET", "/nope").as(tokens.clientA))).status).toBe(404);
    expect((await h.call(aRequest("PUT", "/jobs").as(tokens.clientA))).status).toBe(405);
  });
});
