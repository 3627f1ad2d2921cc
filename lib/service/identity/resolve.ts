/** The three lookups the HTTP layer's authentication needs (lib/http/auth.ts `AgentIdentity`), over the service's ports. */
import type { ServiceDeps } from "../ports.ts";
import { nodeForCloudSession, nodeForToken } from "./agent-identity.ts";
import { checkRegistrationSecret } from "./registration-secrets.ts";

export function agentIdentity(deps: ServiceDeps) {
  return {
    nodeForToken: (token: string) => nodeForToken(deps, token),
    nodeForCloudSession: (session: string) => nodeForCloudSession(deps, session),
    registrationSecret: async (secret: string) => (await checkRegistrationSecret(deps, secret))?.id ?? null,
    isRevoked: async (nodeId: string) => (await deps.nodes.get(nodeId))?.revokedAt !== undefined,
  };
}
