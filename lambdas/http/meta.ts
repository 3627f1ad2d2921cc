/** GET /openapi.json: generated from the route contracts, built once per container. */
import { allContracts, contracts as c } from "../../lib/http/contract/index.ts";
import { buildOpenApi } from "../../lib/http/openapi.ts";
import { bindRoute } from "../../lib/http/route.ts";

let document: Record<string, unknown> | undefined;

export const metaRoutes = [
  bindRoute(c.getOpenApi, async () => {
    document ??= buildOpenApi(allContracts, { title: "burstfarm", version: "0.1.0" });
    return document;
  }),
];
