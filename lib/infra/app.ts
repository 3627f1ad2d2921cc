/**
 * CDK app: one burstfarm stack per studio account (`cdk deploy`), checked by cdk-nag's
 * AwsSolutions pack. Context (cdk.json or `-c`):
 *   burstfarm:jwtIssuer    OIDC issuer URL (e.g. a Cognito user pool or the studio's IdP)
 *   burstfarm:jwtAudience  comma-separated audiences
 *   burstfarm:stackName    default "Burstfarm"
 *   cloud bursting, network, ceilings, tariff source, agent package, alarm email: see config.ts
 */
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { BurstfarmStack } from "./burstfarm-stack.ts";
import { configFromContext } from "./config.ts";

const app = new App();
const ctx = (key: string): string | undefined => app.node.tryGetContext(`burstfarm:${key}`) as string | undefined;

// Placeholders keep `cdk synth` working offline; a deploy must pass the studio's real issuer.
const jwtIssuer = ctx("jwtIssuer") ?? "https://idp.example.invalid/burstfarm";
const jwtAudience = (ctx("jwtAudience") ?? "burstfarm").split(",").map((s) => s.trim()).filter(Boolean);

new BurstfarmStack(app, ctx("stackName") ?? "Burstfarm", {
  jwtIssuer,
  jwtAudience,
  config: configFromContext((key) => app.node.tryGetContext(key)),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: "burstfarm: deadline-aware, cloud-bursting render farm scheduler",
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
