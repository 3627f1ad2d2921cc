/**
 * The HTTP API: one route per contract (lib/http/contract), all integrated with the API
 * Lambda. Each route gets the gateway check its contract names (`gatewayAuthOf`): the JWT
 * authorizer for clients and operators, IAM for the one route where a cloud instance's role
 * session buys a node token, none for the agent routes that take that token (the Lambda
 * verifies it). The Lambda maps the verified identity to a principal (lib/http/auth.ts).
 */
import { RemovalPolicy, Validations } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { CfnStage, HttpApi, HttpMethod, HttpNoneAuthorizer, type HttpRoute } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpIamAuthorizer, HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { IRole } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { gatewayAuthOf, type RouteContract } from "../../http/route.ts";

export interface BurstfarmHttpApiProps {
  readonly handler: IFunction;
  readonly routes: readonly RouteContract[];
  /** OIDC issuer whose tokens carry `burstfarm:role` / `burstfarm:client` claims. */
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
  /** The cloud agent role: its sessions may call the IAM routes (the session-token exchange). */
  readonly agentRole: IRole;
}

export class BurstfarmHttpApi extends Construct {
  readonly api: HttpApi;
  readonly routes: HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: BurstfarmHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, "Api", { description: "burstfarm job, farm and agent API" });
    const integration = new HttpLambdaIntegration("Lambda", props.handler);
    const jwt = new HttpJwtAuthorizer("Jwt", props.jwtIssuer, { jwtAudience: props.jwtAudience });
    const iam = new HttpIamAuthorizer();
    const none = new HttpNoneAuthorizer();
    const iamRoutes: RouteContract[] = [];
    for (const r of props.routes) {
      // What API Gateway checks is the contract's call (lib/http/route.ts): the studio's IdP (jwt),
      // a cloud instance's role session (iam), or nothing — node tokens and registration secrets
      // are burstfarm's own, verified by the Lambda (none).
      const auth = gatewayAuthOf(r);
      if (auth !== "jwt" && !r.path.startsWith("/agents/")) throw new Error(`route ${r.method} ${r.path} skips the JWT authorizer outside /agents/*`);
      const created = this.api.addRoutes({
        path: r.path,
        methods: [HttpMethod[r.method]],
        integration,
        authorizer: auth === "jwt" ? jwt : auth === "iam" ? iam : none,
      });
      this.routes.push(...created);
      if (auth === "iam") iamRoutes.push(r);
      if (auth === "none") {
        for (const route of created) {
          Validations.of(route).acknowledge({
            id: "AwsSolutions-APIG4",
            reason: `${r.method} ${r.path} takes a burstfarm node token or registration secret, which the Lambda verifies (API Gateway cannot: they are not the IdP's).`,
          });
        }
      }
    }
    // The cloud agent role may invoke the IAM routes only (exchanging its session for a node token);
    // every other agent route takes that token. Exact ARNs on the default stage: no wildcard.
    if (iamRoutes.length > 0) {
      props.agentRole.addToPrincipalPolicy(new PolicyStatement({
        actions: ["execute-api:Invoke"],
        resources: iamRoutes.map((r) => this.api.arnForExecuteApi(r.method, r.path, "$default")),
      }));
    }

    // Access logs and a throttle on the default stage (bad clients must not starve agents of Lambda).
    const accessLogs = new LogGroup(this, "AccessLogs", { retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    const stage = this.api.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: "$context.requestId", ip: "$context.identity.sourceIp", route: "$context.routeKey",
        status: "$context.status", latencyMs: "$context.responseLatency", error: "$context.error.message",
        sub: "$context.authorizer.claims.sub",
      }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 200, throttlingRateLimit: 100 };
  }
}
