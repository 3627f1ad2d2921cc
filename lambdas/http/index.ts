/** Every bound route; a test checks this covers every contract exactly once. */
import type { ServiceDeps } from "../../lib/service/index.ts";
import type { BoundRoute } from "../../lib/http/route.ts";
import { agentRoutes } from "./agents.ts";
import { clientRoutes } from "./clients.ts";
import { farmRoutes } from "./farm.ts";
import { identityRoutes } from "./identity.ts";
import { jobRoutes } from "./jobs.ts";
import { metaRoutes } from "./meta.ts";
import { monitorRoutes } from "./monitor.ts";

export const routes: readonly BoundRoute<ServiceDeps>[] = [...jobRoutes, ...clientRoutes, ...farmRoutes, ...agentRoutes, ...identityRoutes, ...metaRoutes, ...monitorRoutes];
