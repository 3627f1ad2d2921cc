/** GET /openapi.json: generated from the route contracts, built once per container. */
import { allContracts, contracts as c } from "../../lib/http/contract/index.ts";
import { buildOpenApi } from "../../lib/http/openapi.ts";
import { bindRoute } from "../../lib/http/route.ts";

let document: Record<string, unknown> | undefined;

/** Rules every route enforces that JSON Schema keywords on one field cannot say. */
const apiRules = [
  "Every number in a request body must be 0 or between 1e-130 and 9007199254740991 (2^53 - 1) in magnitude (what DynamoDB stores); others are refused with 400 naming the field.",
  "Bodies are JSON (Content-Type application/json, any case); 1 MiB for POST /jobs, 256 KiB elsewhere.",
  "Agent routes act for the caller's own node only; another node's id is 403.",
].join(" ");

export const metaRoutes = [
  bindRoute(c.getOpenApi, async () => {
    document ??= buildOpenApi(allContracts, { title: "burstfarm", version: "0.1.0", description: apiRules });
    return document;
  }),
];
