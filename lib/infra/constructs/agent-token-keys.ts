/**
 * The key that signs agents' node tokens (lib/service/identity/node-credentials.ts), generated
 * once by Secrets Manager at deploy and handed to the API Lambda as BURSTFARM_AGENT_TOKEN_KEYS
 * (`{"current":"k1","keys":{"k1":…},"ttlSec":3600}`) through a CloudFormation dynamic reference,
 * so the key never appears in the template. It does appear in the function's configuration,
 * readable by whoever may read that (operators). 64 alphanumeric characters are valid base64url
 * for 48 bytes (≥ 32 required). Rotation is the config's: add a kid, make it `current`, drop the
 * old one after a token lifetime.
 */
import { Fn, Validations } from "aws-cdk-lib";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";

const kid = "k1";
const ttlSec = 3600;

export function agentTokenKeys(scope: Construct): string {
  const secret = new Secret(scope, "AgentTokenKeys", {
    description: "burstfarm: HS256 key signing agents' node tokens",
    generateSecretString: { secretStringTemplate: JSON.stringify({ current: kid }), generateStringKey: kid, excludePunctuation: true, passwordLength: 64 },
  });
  Validations.of(secret).acknowledge({
    id: "AwsSolutions-SMG4",
    reason: "Node-token keys rotate by configuration (a new kid becomes current; old tokens verify until they expire), not by a rotation Lambda.",
  });
  return Fn.join("", [`{"current":"${kid}","keys":{"${kid}":"`, secret.secretValueFromJson(kid).unsafeUnwrap(), `"},"ttlSec":${ttlSec}}`]);
}
