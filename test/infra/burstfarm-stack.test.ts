/**
 * The stack as `npm run synth` builds it — the CDK CLI running lib/infra/app.ts offline, every
 * Lambda bundled by the local esbuild, cdk-nag AwsSolutions failing the synth on any
 * unacknowledged finding — synthesized once and asserted on what matters: DLQs and their alarms,
 * partial batch failures, the schedule, runtime, table settings, auth per route, least-privilege
 * IAM, and cloud bursting (roles, launch template, EC2 rights, notices, bucket, alarms).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allContracts } from "../../lib/http/contract/index.ts";
import { gatewayAuthOf } from "../../lib/http/route.ts";

const root = join(import.meta.dirname, "../..");
const out = mkdtempSync(join(tmpdir(), "burstfarm-synth-"));
// Offline: no credentials, no instance metadata lookups, no notices; env-agnostic as a fresh checkout is.
const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: "true" };
for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "CDK_DEFAULT_ACCOUNT"]) delete env[k];
const synth = (...context: string[]) => promisify(execFile)("npm", ["run", "--silent", "synth", "--", "--no-notices", "--quiet", "-o", out, ...context.flatMap((c) => ["-c", c])],
  { cwd: root, env, timeout: 280_000, maxBuffer: 16 << 20 });

let template: Template;
let synthError: unknown;

beforeAll(async () => {
  try {
    await synth("burstfarm:stackName=Test", "burstfarm:jwtIssuer=https://idp.example.test/realm");
  } catch (err) { synthError = err; }
  template = Template.fromJSON(JSON.parse(readFileSync(join(out, "Test.template.json"), "utf8")));
}, 300_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const resourcesOf = (type: string) => Object.values(template.findResources(type)) as { Properties: Record<string, any> }[];

describe("BurstfarmStack", () => {
  it("synthesizes offline with cdk-nag AwsSolutions clean (only the justified acknowledgements)", () => {
    expect(synthError).toBeUndefined();
  });

  it("refuses bad context before building anything, naming the key", async () => {
    await expect(synth("burstfarm:maxSpendPerHour=-5")).rejects.toMatchObject({ stderr: expect.stringContaining("burstfarm:maxSpendPerHour must be a positive number") });
  }, 120_000);

  it("runs every handler on nodejs22.x", () => {
    // CDK's own BucketDeployment copier (the monitor site) is not one of our handlers.
    const fns = Object.entries(template.findResources("AWS::Lambda::Function"))
      .filter(([id]) => !id.startsWith("CustomCDKBucketDeployment")).map(([, f]) => f as { Properties: Record<string, any> });
    expect(fns).toHaveLength(6);
    for (const f of fns) expect(f.Properties.Runtime).toBe("nodejs22.x");
    for (const f of fns) expect(f.Properties.Architectures).toEqual(["arm64"]);
  });

  it("gives every queue a DLQ after 5 receives, and alarms on each DLQ's depth", () => {
    const redriven = resourcesOf("AWS::SQS::Queue").filter((q) => q.Properties.RedrivePolicy);
    expect(redriven).toHaveLength(4);
    for (const q of redriven) expect(q.Properties.RedrivePolicy).toMatchObject({ maxReceiveCount: 5, deadLetterTargetArn: expect.anything() });
    template.hasResourceProperties("AWS::SQS::Queue", { QueueName: "burstfarm-plan-trigger-dlq.fifo", FifoQueue: true });
    // The trigger must become visible again soon after the planner's 60 s timeout (replans within ~1.5 min worst case).
    template.hasResourceProperties("AWS::SQS::Queue", { QueueName: "burstfarm-plan-trigger.fifo", FifoQueue: true, VisibilityTimeout: 90 });
    template.hasResourceProperties("AWS::Lambda::Function", { Description: Match.stringLikeRegexp("planning cycle"), Timeout: 60 });
    const alarms = resourcesOf("AWS::CloudWatch::Alarm").filter((a) => a.Properties.MetricName === "ApproximateNumberOfMessagesVisible");
    // Four queues' DLQs and the EC2 notices' DLQ.
    expect(alarms).toHaveLength(5);
    for (const a of alarms) expect(a.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: "GreaterThanThreshold", AlarmActions: [expect.anything()] });
  });

  it("reports partial batch failures on every SQS consumer", () => {
    const mappings = resourcesOf("AWS::Lambda::EventSourceMapping");
    expect(mappings).toHaveLength(4);
    for (const m of mappings) expect(m.Properties.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
  });

  it("plans every minute on a schedule", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(1 minute)",
      Targets: [Match.objectLike({ Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("^PlannerFn"), "Arn"] } })],
    });
  });

  it("keeps state in one on-demand table with PITR and a TTL attribute", () => {
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true },
    });
  });

  it("creates one route per contract with the gateway check it names: JWT, IAM only for the session exchange, none for node-token routes", () => {
    const routes = resourcesOf("AWS::ApiGatewayV2::Route");
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(allContracts.map((c) => `${c.method} ${c.path}`).sort());
    const byAuth = (type: string) => routes.filter((r) => r.Properties.AuthorizationType === type).map((r) => r.Properties.RouteKey as string).sort();
    expect(byAuth("AWS_IAM")).toEqual(["POST /agents/session-token"]);
    expect(byAuth("NONE").length).toBeGreaterThan(0);
    for (const key of byAuth("NONE")) expect(key).toMatch(/^(GET|POST) \/agents\//);
    for (const r of routes) {
      const contract = allContracts.find((c) => `${c.method} ${c.path}` === r.Properties.RouteKey)!;
      expect(r.Properties.AuthorizationType).toBe({ jwt: "JWT", iam: "AWS_IAM", none: "NONE" }[gatewayAuthOf(contract)]);
    }
    template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "JWT", JwtConfiguration: { Issuer: "https://idp.example.test/realm", Audience: ["burstfarm"] },
    });
  });

  it("outputs what agents and pipeline tools need", () => {
    expect(Object.keys(template.findOutputs("*")).sort()).toEqual(["ApiUrl", "CloudAgentRoleArn", "LaunchTemplateId", "MonitorUrl", "OutputBucketName", "SubmissionsQueueUrl", "TableName"]);
  });

  it("lets the cloud agent role invoke only the session exchange, put objects under job prefixes, and read the agent package", () => {
    const policies = resourcesOf("AWS::IAM::Policy").filter((p) => JSON.stringify(p.Properties.Roles).includes("CloudAgentRole"));
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties.PolicyDocument.Statement as { Action: string; Resource: unknown }[];
    expect(statements.map((s) => s.Action)).toEqual(["execute-api:Invoke", ["s3:PutObject", "s3:PutObjectTagging"], "s3:GetObject"]);
    expect(JSON.stringify(statements[0]!.Resource)).toMatch(/\/\$default\/POST\/agents\/session-token"\]\]\}$/);
    expect(JSON.stringify(statements[1]!.Resource)).toMatch(/^\[\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["OutputsBucket[0-9A-F]+","Arn"\]\},"\/jobs\/\*\/\*"\]\]\},\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["OutputsBucket[0-9A-F]+","Arn"\]\},"\/previews\/\*\/\*"\]\]\}\]$/);
    expect(JSON.stringify(statements[2]!.Resource)).toContain("/agent/*");
  });

  it("lets the planner send only capacity triggers, and the API consume no queue", () => {
    const policyOf = (fnPrefix: string) => {
      const found = resourcesOf("AWS::IAM::Policy").filter((p) => JSON.stringify(p.Properties.Roles).includes(fnPrefix));
      return JSON.stringify(found.map((p) => p.Properties.PolicyDocument));
    };
    const plannerSends = (resourcesOf("AWS::IAM::Policy").filter((p) => JSON.stringify(p.Properties.Roles).includes("PlannerFn"))
      .flatMap((p) => p.Properties.PolicyDocument.Statement) as { Action: string[] | string; Resource: unknown }[])
      .filter((st) => [st.Action].flat().includes("sqs:SendMessage"));
    expect(plannerSends.map((st) => JSON.stringify(st.Resource))).toEqual([expect.stringMatching(/^\{"Fn::GetAtt":\["CapacityTriggersQueue[0-9A-F]+","Arn"\]\}$/)]);
    expect(policyOf("PlannerFn")).toContain("sqs:ReceiveMessage");
    expect(policyOf("ApiFn")).toContain("sqs:SendMessage");
    expect(policyOf("ApiFn")).not.toContain("sqs:ReceiveMessage");
    expect(policyOf("SubmissionsFn")).toContain("sqs:ReceiveMessage");
    expect(policyOf("ApiFn")).not.toContain("dynamodb:*");
  });
});

const statementsOf = (rolePrefix: string) => resourcesOf("AWS::IAM::Policy")
  .filter((p) => JSON.stringify(p.Properties.Roles).includes(rolePrefix))
  .flatMap((p) => p.Properties.PolicyDocument.Statement) as { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> }[];

describe("BurstfarmStack: cloud bursting", () => {
  it("makes the cloud agent role assumable by EC2 only, and tells the API its name", () => {
    template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: { Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" } }] },
      Description: Match.stringLikeRegexp("cloud render node agents"),
    });
    const assumable = resourcesOf("AWS::IAM::Role").map((r) => JSON.stringify(r.Properties.AssumeRolePolicyDocument));
    expect(assumable.filter((d) => d.includes("AWS::AccountId") || d.includes(":root"))).toEqual([]);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: "burstfarm HTTP API (all routes)",
      Environment: { Variables: Match.objectLike({ BURSTFARM_CLOUD_AGENT_ROLE_NAME: { Ref: Match.stringLikeRegexp("^CloudAgentRole") } }) },
    });
    // The node-token signing key: generated by Secrets Manager, resolved at deploy (never in the template).
    const api = resourcesOf("AWS::Lambda::Function").find((f) => f.Properties.Description === "burstfarm HTTP API (all routes)")!;
    expect(api.Properties.Environment.Variables.BURSTFARM_AGENT_TOKEN_KEYS).toEqual({ "Fn::Join": ["", [
      '{"current":"k1","keys":{"k1":"{{resolve:secretsmanager:', { Ref: expect.stringMatching(/^AgentTokenKeys[0-9A-F]+$/) }, ':SecretString:k1::}}"},"ttlSec":3600}',
    ]] });
    template.hasResourceProperties("AWS::SecretsManager::Secret", { GenerateSecretString: { GenerateStringKey: "k1", PasswordLength: 64, ExcludePunctuation: true } });
  });

  it("launches render nodes from a template: IMDSv2 required, encrypted volumes, the agent's instance profile, user data starting the agent", () => {
    template.hasResourceProperties("AWS::EC2::LaunchTemplate", {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: "required", HttpPutResponseHopLimit: 1, InstanceMetadataTags: "enabled" },
        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { Encrypted: true, VolumeType: "gp3", VolumeSize: 200, DeleteOnTermination: true } }],
        IamInstanceProfile: { Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("LaunchTemplateProfile"), "Arn"] } },
      }),
    });
    template.hasResourceProperties("AWS::IAM::InstanceProfile", { Roles: [{ Ref: Match.stringLikeRegexp("^CloudAgentRole") }] });
    const tagged = resourcesOf("AWS::EC2::LaunchTemplate")[0]!.Properties.LaunchTemplateData.TagSpecifications as { ResourceType: string; Tags: { Key: string; Value: string }[] }[];
    for (const type of ["instance", "volume"]) expect(tagged.find((t) => t.ResourceType === type)?.Tags).toContainEqual({ Key: "burstfarm:farm", Value: "Test" });
    const userData = JSON.stringify(resourcesOf("AWS::EC2::LaunchTemplate")[0]!.Properties.LaunchTemplateData.UserData);
    for (const line of [
      "systemctl enable --now burstfarm-agent", "BURSTFARM_NODE_ID=$INSTANCE_ID", "X-aws-ec2-metadata-token", "ExecStart=/opt/burstfarm/start-agent.sh",
      // The instance's role session buys a node token at the one IAM route, then the agent runs with it.
      '--aws-sigv4 \\"aws:amz:$AWS_REGION:execute-api\\"', "/agents/session-token", 'exec burstfarm agent --api \\"$BURSTFARM_API_URL\\" --token \\"$TOKEN\\"',
    ]) expect(userData).toContain(line);
    expect(userData).toMatch(/BURSTFARM_API_URL=.*HttpApi/);
    // Render nodes accept no connections: egress HTTPS only.
    template.hasResourceProperties("AWS::EC2::SecurityGroup", {
      GroupDescription: Match.stringLikeRegexp("render nodes"),
      SecurityGroupEgress: [Match.objectLike({ IpProtocol: "tcp", FromPort: 443, ToPort: 443 })],
    });
    expect(resourcesOf("AWS::EC2::SecurityGroupIngress")).toEqual([]);
  });

  it("scopes the capacity Lambda's CreateFleet/RunInstances to the stack's template and farm tag", () => {
    const st = statementsOf("CapacityFn");
    const launch = st.filter((s) => [s.Action].flat().includes("ec2:CreateFleet"));
    expect(launch.map((s) => s.Sid).sort()).toEqual(["LaunchOnlyFromTheTemplate", "LaunchTaggedInstancesFromTheTemplate"]);
    for (const s of launch) {
      expect([s.Action].flat().sort()).toEqual(["ec2:CreateFleet", "ec2:RunInstances"]);
      expect(JSON.stringify(s.Condition?.ArnLike?.["ec2:LaunchTemplate"])).toMatch(/launch-template\/",\{"Ref":"RenderFleetLaunchTemplate/);
    }
    const tagged = launch.find((s) => s.Sid === "LaunchTaggedInstancesFromTheTemplate")!;
    expect(tagged.Condition?.StringEquals).toEqual({ "aws:RequestTag/burstfarm:farm": "Test" });
    // Instances only (volumes cannot be tagged by an instant fleet's request; the template tags them).
    expect(JSON.stringify(tagged.Resource)).toMatch(/^\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":ec2:[^"]*",\{"Ref":"AWS::AccountId"\},":instance\/\*"\]\]\}$/);
    expect(st.find((s) => s.Action === "ec2:CreateTags")?.Condition).toEqual({ StringEquals: { "ec2:CreateAction": ["CreateFleet", "RunInstances"] } });
    expect(st.find((s) => s.Action === "ec2:TerminateInstances")?.Condition).toEqual({ StringEquals: { "aws:ResourceTag/burstfarm:farm": "Test" } });
    // No other function may launch or terminate anything.
    const others = resourcesOf("AWS::IAM::Policy").filter((p) => !JSON.stringify(p.Properties.Roles).includes("CapacityFn")).map((p) => JSON.stringify(p.Properties.PolicyDocument));
    expect(others.filter((d) => /ec2:(CreateFleet|RunInstances|TerminateInstances)|iam:PassRole/.test(d))).toEqual([]);
  });

  it("lets the capacity Lambda pass the cloud agent role, and only to EC2", () => {
    const pass = statementsOf("CapacityFn").filter((s) => [s.Action].flat().includes("iam:PassRole"));
    expect(pass).toHaveLength(1);
    expect(pass[0]!.Resource).toEqual({ "Fn::GetAtt": [expect.stringMatching(/^CloudAgentRole/), "Arn"] });
    expect(pass[0]!.Condition).toEqual({ StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } });
  });

  it("gives the planner and the API the farm's cloud ceiling from context (cdk.json's 50 USD/h and 20 instances)", () => {
    for (const fn of ["^burstfarm planning cycle", "^burstfarm HTTP API"]) {
      template.hasResourceProperties("AWS::Lambda::Function", {
        Description: Match.stringLikeRegexp(fn),
        Environment: { Variables: Match.objectLike({ BURSTFARM_MAX_SPEND_PER_HOUR: "50", BURSTFARM_MAX_INSTANCES: "20" }) },
      });
    }
  });

  it("runs one capacity run at a time, fed by the planner's triggers, with the guards from context", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("^burstfarm capacity"), ReservedConcurrentExecutions: 1, Timeout: 120,
      Environment: { Variables: Match.objectLike({
        BURSTFARM_MAX_SPEND_PER_HOUR: "50", BURSTFARM_MAX_INSTANCES: "20", SPOT_ALLOCATION: "price-capacity-optimized",
        BURSTFARM_ALLOWED_TYPES: "c6i.8xlarge,c7i.8xlarge,m6i.8xlarge,g5.2xlarge,g5.4xlarge", BURSTFARM_FARM_NAME: "Test",
        LAUNCH_TEMPLATE_ID: { Ref: Match.stringLikeRegexp("^RenderFleetLaunchTemplate") },
      }) },
    });
    template.hasResourceProperties("AWS::SQS::Queue", { QueueName: "burstfarm-capacity", VisibilityTimeout: 720 });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("planning cycle"),
      Environment: { Variables: Match.objectLike({ CAPACITY_QUEUE_URL: { Ref: Match.stringLikeRegexp("^CapacityTriggersQueue") } }) },
    });
  });

  it("routes spot interruption warnings and rebalance recommendations to the cloud-events Lambda, with retries and a DLQ", () => {
    for (const detailType of ["EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation"]) {
      template.hasResourceProperties("AWS::Events::Rule", {
        EventPattern: { source: ["aws.ec2"], "detail-type": [detailType] },
        Targets: [Match.objectLike({
          Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("CloudEventsFn"), "Arn"] },
          DeadLetterConfig: { Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("CloudEventsDlq"), "Arn"] } },
          RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 120 },
        })],
      });
    }
  });

  it("keeps previews and outputs encrypted, private, TLS-only, with previews expiring", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: "Enabled" },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: "outputs-bucket/" }),
      LifecycleConfiguration: { Rules: Match.arrayWith([
        Match.objectLike({ Id: "previews-expire", Prefix: "previews/", ExpirationInDays: 14, Status: "Enabled" }),
        Match.objectLike({ Id: "tagged-previews-expire", TagFilters: [{ Key: "burstfarm:kind", Value: "preview" }], ExpirationInDays: 14, Status: "Enabled" }),
      ]) },
    });
    // The API reads job objects (task logs, outputs) and writes none.
    const apiS3 = statementsOf("ApiFn").filter((st) => [st.Action].flat().some((a) => a.startsWith("s3:")));
    expect(apiS3.map((st) => st.Action)).toEqual(["s3:GetObject"]);
    expect(JSON.stringify(apiS3[0]!.Resource)).toMatch(/"\/jobs\/\*"\]\]\}$/);
    const tlsOnly = resourcesOf("AWS::S3::BucketPolicy").filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'));
    // Outputs, their access logs, and the monitor site's bucket.
    expect(tlsOnly).toHaveLength(3);
    for (const p of tlsOnly) expect(p.Properties.PolicyDocument.Statement[0]).toMatchObject({ Effect: "Deny", Action: "s3:*" });
  });

  it("alarms on deadlines at risk, planner duration, cloud spend vs ceiling and launch failures, to one topic, with a dashboard", () => {
    const named = (metric: string) => resourcesOf("AWS::CloudWatch::Alarm").filter((a) => a.Properties.MetricName === metric);
    expect(named("jobsAtRisk")[0]!.Properties).toMatchObject({ Namespace: "burstfarm", Threshold: 1, Dimensions: [{ Name: "service", Value: "burstfarm-planner" }] });
    expect(named("Duration")[0]!.Properties).toMatchObject({ Namespace: "AWS/Lambda", ExtendedStatistic: "p99", Threshold: 45_000 });
    expect(named("cloudSpendPerHour")[0]!.Properties).toMatchObject({ Threshold: 40, Dimensions: [{ Name: "service", Value: "burstfarm-capacity" }] });
    expect(named("cloudLaunchFailures")[0]!.Properties).toMatchObject({ Statistic: "Sum", Threshold: 3, Period: 900 });
    const topic = Object.keys(template.findResources("AWS::SNS::Topic"))[0]!;
    for (const a of resourcesOf("AWS::CloudWatch::Alarm")) expect(a.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    template.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
  });
});
