/**
 * The HTTP API: one route per contract (lib/http/contract), all integrated with the API
 * Lambda. Agent-only routes use IAM auth (agents assume the agent role: on-prem via STS, cloud
 * nodes via their instance profile); every other route uses the JWT authorizer. The Lambda
 * maps the authorizer's verified identity to a principal (lib/http/auth.ts).
 */
import { type CfnElement, RemovalPolicy, Stack, Token, Validations } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { CfnStage, HttpApi, HttpMethod, type HttpRoute } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpIamAuthorizer, HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { IRole } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { RouteContract } from "../../http/route.ts";

export interface BurstfarmHttpApiProps {
  readonly handler: IFunction;
  readonly routes: readonly RouteContract[];
  /** OIDC issuer whose tokens carry `burstfarm:role` / `burstfarm:client` claims. */
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
  /** Sessions of this role may call the agent routes. */
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
    for (const r of props.routes) {
      const agentOnly = r.accepts.length === 1 && r.accepts[0] === "agent";
      const created = this.api.addRoutes({
        path: r.path,
        methods: [HttpMethod[r.method]],
        integration,
        authorizer: agentOnly ? iam : jwt,
      });
      this.routes.push(...created);
      if (agentOnly && ((r.method !== "POST" && r.method !== "GET") || !r.path.startsWith("/agents/"))) {
        throw new Error(`agent route ${r.method} ${r.path} is outside GET|POST /agents/*, which the agent role may invoke`);
      }
    }
    // One statement for every agent route (all are GET or POST /agents/...): the path parameters
    // ({nodeId}, {taskId}) and the stage can only be expressed as wildcards.
    const agentRoutesArns = ["POST", "GET"].map((m) => this.api.arnForExecuteApi(m, "/agents/*", "*"));
    props.agentRole.addToPrincipalPolicy(new PolicyStatement({ actions: ["execute-api:Invoke"], resources: agentRoutesArns }));
    const stack = Stack.of(this);
    const shown = (v: string, pseudo: string) => (Token.isUnresolved(v) ? `<AWS::${pseudo}>` : v);
    const apiId = stack.getLogicalId(this.api.node.defaultChild as CfnElement);
    for (const m of ["POST", "GET"]) {
      Validations.of(props.agentRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:${shown(stack.region, "Region")}:${shown(stack.account, "AccountId")}:<${apiId}>/*/${m}/agents/*]`,
        reason: `Agent routes carry the node, job and task ids as path parameters; the grant is limited to ${m} /agents/* on this API.`,
      });
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
