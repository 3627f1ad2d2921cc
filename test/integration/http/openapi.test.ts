/** The OpenAPI document is generated from the same contracts that validate, and lists every route. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allContracts } from "../../../lib/http/contract/index.ts";
import { routes } from "../../../lambdas/http/index.ts";
import { aRequest, startApi, tokens, type ApiHarness } from "./harness.ts";

let h: ApiHarness;
beforeAll(async () => { h = await startApi(); });
afterAll(async () => h?.stop());

const expectedRoutes = [
  "POST /jobs", "GET /jobs", "GET /jobs/{id}", "PATCH /jobs/{id}", "DELETE /jobs/{id}", "POST /jobs/{id}/approve",
  "GET /clients", "POST /clients", "GET /clients/{id}", "PATCH /clients/{id}", "GET /clients/{id}/usage",
  "GET /nodes", "POST /nodes/{id}/drain", "POST /nodes/{id}/enable", "GET /farm", "GET /audit",
  "POST /agents/register", "POST /agents/{nodeId}/poll", "POST /agents/{nodeId}/tasks/{taskId}/complete",
  "POST /agents/{nodeId}/tasks/{taskId}/fail", "GET /openapi.json",
  "GET /jobs/{id}/tasks", "POST /jobs/{id}/requeue-failed", "GET /job-costs", "GET /farm/history",
  "POST /agents/{nodeId}/token", "POST /registration-secrets", "GET /registration-secrets", "DELETE /registration-secrets/{id}",
  "POST /nodes/{id}/revoke", "POST /agents/session-token",
  "GET /jobs/{id}/tasks/{taskId}/log", "GET /agents/{nodeId}/jobs/{jobId}/run-spec",
  "GET /jobs/{id}/outputs", "GET /jobs/{id}/outputs/{taskId}/{n}/thumbnail",
  "GET /jobs/{id}/outputs/{taskId}/{n}/image",
];

describe("GET /openapi.json", () => {
  it("lists every route the API serves, and nothing else", async () => {
    const r = await h.call(aRequest("GET", "/openapi.json").as(tokens.clientA));
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    const listed = Object.entries(r.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(listed.sort()).toEqual([...expectedRoutes].sort());
  });

  it("documents request bodies and parameters from the validating schemas", async () => {
    const doc = (await h.call(aRequest("GET", "/openapi.json").as(tokens.operator))).body;
    const patch = doc.paths["/jobs/{id}"].patch;
    const schema = patch.requestBody.content["application/json"].schema;
    expect(Object.keys(schema.properties)).toEqual(["deadline", "priority", "suspended"]);
    expect(schema.additionalProperties).toBe(false);
    expect(patch.parameters).toContainEqual(expect.objectContaining({ name: "id", in: "path", required: true }));
    const list = doc.paths["/jobs"].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(["clientId", "status", "limit", "cursor"]);
    const submit = doc.paths["/jobs"].post.requestBody.content["application/json"].schema;
    expect(submit.anyOf).toHaveLength(2);
    expect(doc.paths["/farm"].get["x-burstfarm-principals"]).toEqual(["operator"]);
  });
});

describe("route table", () => {
  it("binds every contract exactly once", () => {
    const bound = routes.map((r) => r.contract.operationId).sort();
    expect(bound).toEqual(allContracts.map((c) => c.operationId).sort());
  });
});
