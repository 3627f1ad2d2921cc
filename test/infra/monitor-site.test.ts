/**
 * The monitor's static site: a private bucket read by CloudFront only, security headers on the
 * page, the API's paths forwarded uncached (Authorization reaches API Gateway, no reply is
 * shared between callers), and the page built with the studio's OIDC settings, no secret.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { allContracts } from "../../lib/http/contract/index.ts";
import { apiPathPatterns, MonitorSite } from "../../lib/infra/constructs/monitor-site.ts";

let template: Template;
let assetDir = "";

beforeAll(() => {
  const app = new App();
  const stack = new Stack(app, "Site", { env: { account: "111111111111", region: "eu-west-1" } });
  new MonitorSite(stack, "Monitor", {
    apiEndpoint: "https://abc123.execute-api.eu-west-1.amazonaws.com", routes: allContracts,
    oidc: { issuer: "https://idp.example.test/realm", clientId: "burstfarm-monitor" },
  });
  const out = app.synth();
  template = Template.fromStack(stack);
  const asset = readdirSync(out.directory).find((d) => d.startsWith("asset.") && statSync(join(out.directory, d)).isDirectory() && readdirSync(join(out.directory, d)).includes("config.json"));
  assetDir = join(out.directory, asset!);
}, 60_000);

describe("MonitorSite", () => {
  it("routes the API paths people call to the HTTP API, and no agent path", () => {
    expect(apiPathPatterns(allContracts)).toEqual(["/audit*", "/clients*", "/farm*", "/job-costs*", "/jobs*", "/nodes*", "/openapi.json", "/registration-secrets*"]);
  });

  it("keeps the bucket private, read through origin access control only", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    template.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
  });

  it("forwards API paths uncached with the caller's Authorization, and serves the page with a CSP", () => {
    const dist = Object.values(template.findResources("AWS::CloudFront::Distribution"))[0] as { Properties: { DistributionConfig: Record<string, any> } };
    const behaviors = dist.Properties.DistributionConfig.CacheBehaviors as Record<string, any>[];
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(apiPathPatterns(allContracts));
    for (const b of behaviors) {
      expect(b.CachePolicyId).toBe("4135ea2d-6df8-44a3-9df3-4b5a84be39ad"); // CachingDisabled
      expect(b.OriginRequestPolicyId).toBe("b689b0a8-53d0-40ab-baf2-68738e2966ac"); // AllViewerExceptHostHeader
      expect(b.AllowedMethods).toContain("PATCH");
    }
    template.hasResourceProperties("AWS::CloudFront::ResponseHeadersPolicy", {
      ResponseHeadersPolicyConfig: { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: Match.stringLikeRegexp("connect-src 'self' https://idp.example.test/realm") } } },
    });
  });

  it("deploys the built page configured for the studio's OIDC login, with no secret", () => {
    template.resourceCountIs("Custom::CDKBucketDeployment", 1);
    const config = JSON.parse(readFileSync(join(assetDir, "config.json"), "utf8"));
    expect(config).toEqual({ auth: "oidc", apiBase: "", issuer: "https://idp.example.test/realm", clientId: "burstfarm-monitor", scope: "openid profile email" });
    expect(readdirSync(assetDir).sort()).toEqual(["app.css", "app.js", "config.json", "index.html"]);
  });
});
