/**
 * The web monitor as a static site: a private S3 bucket behind CloudFront (origin access
 * control), with the API's paths routed through the same distribution to the HTTP API, so
 * the page calls its API same-origin (no CORS, one content security policy). The page is
 * built at synth (lib/monitor) with the studio's OIDC settings in `config.json`: users sign in
 * with authorization code + PKCE and the page sends their ID token, which API Gateway's JWT
 * authorizer verifies exactly as for any other caller. Nothing secret is in the bucket.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duration, Fn, Stack, Token, Validations } from "aws-cdk-lib";
import {
  AllowedMethods, CachePolicy, Distribution, HeadersFrameOption, HeadersReferrerPolicy, OriginRequestPolicy,
  ResponseHeadersPolicy, ViewerProtocolPolicy, type BehaviorOptions,
} from "aws-cdk-lib/aws-cloudfront";
import { HttpOrigin, S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from "aws-cdk-lib/aws-s3";
import { BucketDeployment, Source } from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import type { RouteContract } from "../../http/route.ts";
import { contentSecurityPolicy, writeMonitorSite } from "../../monitor/index.ts";

export interface MonitorSiteProps {
  /** The HTTP API's endpoint (`https://<id>.execute-api.<region>.amazonaws.com`). */
  readonly apiEndpoint: string;
  /** Routes people call (client or operator) go through the distribution; agent routes do not. */
  readonly routes: readonly RouteContract[];
  /** The studio's OIDC provider and the monitor's public client id (no secret: PKCE). */
  readonly oidc: { readonly issuer: string; readonly clientId: string; readonly scope?: string };
}

/** `/jobs/{id}` → `/jobs*`: one behavior per first path segment. */
export function apiPathPatterns(routes: readonly RouteContract[]): string[] {
  const segments = routes.filter((r) => r.accepts.some((k) => k === "client" || k === "operator")).map((r) => r.path.split("/")[1]!);
  return [...new Set(segments)].sort().map((s) => (s.includes(".") ? `/${s}` : `/${s}*`));
}

export class MonitorSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: MonitorSiteProps) {
    super(scope, id);
    this.bucket = new Bucket(this, "Bucket", {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL, encryption: BucketEncryption.S3_MANAGED, enforceSSL: true,
    });
    const headers = new ResponseHeadersPolicy(this, "Headers", {
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy([props.oidc.issuer]), override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    const api: BehaviorOptions = {
      // API Gateway without a custom domain rejects a foreign Host header; caching off lets
      // Authorization through to the origin (and never caches one caller's reply for another).
      origin: new HttpOrigin(Fn.select(2, Fn.split("/", props.apiEndpoint))),
      allowedMethods: AllowedMethods.ALLOW_ALL, cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER, viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
    };
    this.distribution = new Distribution(this, "Cdn", {
      comment: "burstfarm monitor", defaultRootObject: "index.html",
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket), viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED, responseHeadersPolicy: headers,
      },
      additionalBehaviors: Object.fromEntries(apiPathPatterns(props.routes).map((p) => [p, api])),
    });
    const site = mkdtempSync(join(tmpdir(), "burstfarm-monitor-"));
    writeMonitorSite(site, { auth: "oidc", apiBase: "", issuer: props.oidc.issuer, clientId: props.oidc.clientId, scope: props.oidc.scope ?? "openid profile email" });
    new BucketDeployment(this, "Deploy", {
      sources: [Source.asset(site)], destinationBucket: this.bucket, distribution: this.distribution, distributionPaths: ["/*"],
    });
    acknowledge(this);
  }
}

function acknowledge(site: MonitorSite): void {
  const v = Validations.of(site);
  const reasons: Record<string, string> = {
    "AwsSolutions-S1": "The bucket holds the monitor's built page only (public code); CloudFront is its one reader.",
    "AwsSolutions-CFR1": "Studios work worldwide with remote artists; who may see data is decided by OIDC login, not geography.",
    "AwsSolutions-CFR2": "The distribution serves static files and forwards to the HTTP API, which authenticates every call (JWT) and throttles.",
    "AwsSolutions-CFR3": "Access is logged where it matters: the HTTP API's access log and the audit trail of every action.",
    "AwsSolutions-CFR4": "The default CloudFront certificate; a studio that adds its own domain sets TLS 1.2+ there.",
  };
  for (const [id, reason] of Object.entries(reasons)) v.acknowledge({ id, reason });
  // CDK's BucketDeployment copy function is a singleton at the stack root; only it is acknowledged.
  const stack = Stack.of(site);
  const copier = stack.node.children.find((c) => c.node.id.startsWith("Custom::CDKBucketDeployment"));
  if (!copier) throw new Error("MonitorSite: BucketDeployment's function not found");
  const bucketArn = stack.getLogicalId(site.bucket.node.defaultChild as CfnBucket);
  const assets = `arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${shown(stack.account, "AccountId")}-${shown(stack.region, "Region")}/*`;
  const wildcards = [
    "Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*", "Action::s3:DeleteObject*", "Action::s3:Abort*",
    `Resource::<${bucketArn}.Arn>/*`, `Resource::${assets}`, "Resource::*",
  ];
  for (const w of wildcards) {
    Validations.of(copier).acknowledge({
      id: `AwsSolutions-IAM5[${w}]`,
      reason: "CDK's BucketDeployment copies the built page from the CDK asset bucket into the monitor bucket (object-level wildcards) and invalidates the distribution (CloudFront takes no resource ARN here).",
    });
  }
}

const shown = (v: string, pseudo: string) => (Token.isUnresolved(v) ? `<AWS::${pseudo}>` : v);
