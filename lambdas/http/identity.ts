/** Operator identity routes: registration secrets and node revocation. */
import * as svc from "../../lib/service/index.ts";
import type { ServiceDeps } from "../../lib/service/index.ts";
import { actorFor } from "../../lib/http/actor.ts";
import { contracts as c } from "../../lib/http/contract/index.ts";
import { bindRoute } from "../../lib/http/route.ts";

export const identityRoutes = [
  bindRoute(c.issueRegistrationSecret, async ({ body, principal, requestId }, deps: ServiceDeps) =>
    svc.issueRegistrationSecret(deps, body, actorFor(principal, requestId))),
  bindRoute(c.listRegistrationSecrets, async ({ principal, requestId }, deps: ServiceDeps) =>
    ({ items: await svc.listRegistrationSecrets(deps, actorFor(principal, requestId)) })),
  bindRoute(c.revokeRegistrationSecret, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.revokeRegistrationSecret(deps, { secretId: params.id }, actorFor(principal, requestId))),
  bindRoute(c.revokeNode, async ({ params, principal, requestId }, deps: ServiceDeps) =>
    svc.nodeViewOf(await svc.revokeNode(deps, { nodeId: params.id }, actorFor(principal, requestId)), deps.clock.now())),
];
