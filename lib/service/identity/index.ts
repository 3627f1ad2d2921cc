/** Agent identity: node tokens (the `NodeCredentials` port), registration secrets, revocation. */
export {
  jwtNodeCredentials, nodeCredentialsFromEnv, ephemeralTokenKeys, tokenKeysSchema, defaultTokenTtlSec, looksLikeJwt,
  type NodeCredentials, type NodeToken, type TokenKeys,
} from "./node-credentials.ts";
export {
  issueRegistrationSecret, listRegistrationSecrets, revokeRegistrationSecret, checkRegistrationSecret,
  registrationSecretInputSchema, type RegistrationSecretInput, type RegistrationSecretView,
} from "./registration-secrets.ts";
export { nodeForToken, nodeForCloudSession, issueNodeToken, renewNodeToken, revokeNode } from "./agent-identity.ts";
export { agentIdentity } from "./resolve.ts";
