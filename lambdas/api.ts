/**
 * The HTTP API Lambda (API Gateway HTTP API, payload v2): every route in one function.
 * Why one router rather than a function per route: one warm container serves the whole API
 * (agents poll every ~15 s, so it stays warm), one bundle, one IAM role; routing, auth and
 * validation come from the route contracts either way.
 */
import { createApiHandler, type ApiHandler } from "../lib/http/api-handler.ts";
import { agentIdentity } from "../lib/service/index.ts";
import { routes } from "./http/index.ts";
import { wired, type Wired } from "./wire.ts";

export function createApi(w: Wired): ApiHandler {
  return createApiHandler({ routes, deps: () => w.deps, auth: w.auth, identity: agentIdentity, logger: w.logger, metrics: w.metrics });
}

let api: ApiHandler | undefined;

export const handler: ApiHandler = (event, context) => {
  api ??= createApi(wired());
  return api(event, context);
};
