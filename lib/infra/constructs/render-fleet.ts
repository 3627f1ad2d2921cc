/**
 * What a cloud render node is launched from: the network (a given VPC's subnets, or a new VPC
 * with public subnets and no NAT gateways — nodes only call out, over HTTPS), a security group
 * with no ingress, the cloud agent role and its instance profile, and the launch template the
 * capacity Lambda's CreateFleet names: IMDSv2 required, encrypted gp3 root volume, instance
 * metadata tags on, user data that installs the agent and starts it against the API.
 *
 * The cloud agent role is assumable by ec2.amazonaws.com only: its sessions are instance
 * profile sessions whose name is the instance id, which the API maps to the node launched with
 * that id. On-prem agents have no IAM identity at all (node-scoped JWTs, lib/http).
 */
import { Aws, Stack, Tags } from "aws-cdk-lib";
import {
  BlockDeviceVolume, CfnSecurityGroup, EbsDeviceVolumeType, FlowLogDestination, FlowLogTrafficType, LaunchTemplate,
  MachineImage, Peer, Port, SecurityGroup, SubnetType, UserData, Vpc, type ISecurityGroup, type IVpc,
} from "aws-cdk-lib/aws-ec2";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

/** The cloud agent role: assumable by EC2 only (instance profile sessions named by instance id). */
export function cloudAgentRole(scope: Construct, id: string): Role {
  return new Role(scope, id, {
    description: "burstfarm cloud render node agents (instance profile only): agent API routes and uploads",
    assumedBy: new ServicePrincipal("ec2.amazonaws.com"),
  });
}

export interface RenderFleetProps {
  /** The cloud agent role (cloudAgentRole), made first: the API grants it the agent routes. */
  readonly role: Role;
  /** Existing VPC and subnets; without them a VPC is created. */
  readonly vpcId?: string;
  readonly subnetIds: string[];
  /** Base URL of the HTTP API the agent calls. */
  readonly apiUrl: string;
  /** s3:// or https:// URL of the agent package. */
  readonly agentPackage: string;
  /** Bucket the agent uploads previews and outputs to. */
  readonly outputBucketName: string;
  readonly rootVolumeGiB: number;
}

export class RenderFleet extends Construct {
  readonly role: Role;
  readonly launchTemplate: LaunchTemplate;
  readonly securityGroup: ISecurityGroup;
  readonly subnetIds: string[];
  readonly vpc?: IVpc;

  constructor(scope: Construct, id: string, props: RenderFleetProps) {
    super(scope, id);
    this.role = props.role;

    if (props.vpcId) {
      // Only the security group needs the VPC, by id: no lookup, so synth stays offline.
      const sg = new CfnSecurityGroup(this, "NodeSecurityGroup", {
        groupDescription: "burstfarm render nodes: no ingress, HTTPS out", vpcId: props.vpcId,
        securityGroupEgress: [{ ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIp: "0.0.0.0/0", description: "API, S3 and package downloads" }],
      });
      this.securityGroup = SecurityGroup.fromSecurityGroupId(this, "NodeSg", sg.attrGroupId);
      this.subnetIds = props.subnetIds;
    } else {
      const vpc = new Vpc(this, "Vpc", {
        maxAzs: 3, natGateways: 0,
        subnetConfiguration: [{ name: "render", subnetType: SubnetType.PUBLIC, cidrMask: 20 }],
        flowLogs: {
          rejected: {
            trafficType: FlowLogTrafficType.REJECT,
            destination: FlowLogDestination.toCloudWatchLogs(new LogGroup(this, "FlowLogs", { retention: RetentionDays.ONE_MONTH })),
          },
        },
      });
      const sg = new SecurityGroup(this, "NodeSecurityGroup", { vpc, description: "burstfarm render nodes: no ingress, HTTPS out", allowAllOutbound: false });
      sg.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "API, S3 and package downloads");
      this.securityGroup = sg;
      this.subnetIds = vpc.publicSubnets.map((s) => s.subnetId);
      this.vpc = vpc;
    }

    this.launchTemplate = new LaunchTemplate(this, "LaunchTemplate", {
      launchTemplateName: `${Stack.of(this).stackName}-render-node`,
      machineImage: MachineImage.latestAmazonLinux2023(),
      role: this.role,
      securityGroup: this.securityGroup,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: true,
      blockDevices: [{
        deviceName: "/dev/xvda",
        volume: BlockDeviceVolume.ebs(props.rootVolumeGiB, { encrypted: true, volumeType: EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
      }],
      userData: agentUserData(props),
    });
    // Instances and volumes carry the farm tag from the template too (TerminateInstances is scoped by it).
    Tags.of(this.launchTemplate).add("burstfarm:farm", Stack.of(this).stackName);
  }
}

/**
 * Boot script: Node.js 22 from the AL2023 repositories, the agent package from S3 (or HTTPS),
 * and a systemd unit running start-agent.sh, which, at every (re)start, exchanges the instance's
 * role session — named by its instance id — for a node token (`POST /agents/session-token`,
 * SigV4-signed by curl with the instance profile's credentials from IMDSv2) and runs
 * `burstfarm agent` with it; the agent renews the token itself (lib/agent).
 */
export function agentUserData(p: Pick<RenderFleetProps, "apiUrl" | "agentPackage" | "outputBucketName">): UserData {
  const ud = UserData.forLinux();
  ud.addCommands(
    "set -euo pipefail",
    // AL2023 namespaces Node.js versions (node-22, npm-22); `node` follows `alternatives`.
    "dnf install -y nodejs22 nodejs22-npm awscli-2 python3",
    "alternatives --set node /usr/bin/node-22",
    "IMDS=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')",
    "INSTANCE_ID=$(curl -fsS -H \"X-aws-ec2-metadata-token: $IMDS\" http://169.254.169.254/latest/meta-data/instance-id)",
    "mkdir -p /opt/burstfarm /etc/burstfarm",
    `case "${p.agentPackage}" in s3://*) aws s3 cp "${p.agentPackage}" /opt/burstfarm/agent.tgz ;; *) curl -fsSL -o /opt/burstfarm/agent.tgz "${p.agentPackage}" ;; esac`,
    "npm-22 install -g --omit=dev /opt/burstfarm/agent.tgz",
    "id burstfarm >/dev/null 2>&1 || useradd --system --create-home burstfarm",
    "cat > /etc/burstfarm/agent.env <<EOF",
    `BURSTFARM_API_URL=${p.apiUrl}`,
    "BURSTFARM_NODE_ID=$INSTANCE_ID",
    `BURSTFARM_OUTPUT_BUCKET=${p.outputBucketName}`,
    `AWS_REGION=${Aws.REGION}`,
    "EOF",
    "cat > /opt/burstfarm/start-agent.sh <<'EOF'",
    "#!/bin/bash",
    "set -euo pipefail",
    "IMDS=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')",
    "md() { curl -fsS -H \"X-aws-ec2-metadata-token: $IMDS\" \"http://169.254.169.254/latest/meta-data/$1\"; }",
    "field() { python3 -c \"import json,sys; print(json.load(sys.stdin)['$1'])\"; }",
    "ROLE=$(md iam/security-credentials/)",
    "CREDS=$(md \"iam/security-credentials/$ROLE\")",
    "AK=$(field AccessKeyId <<<\"$CREDS\"); SK=$(field SecretAccessKey <<<\"$CREDS\"); ST=$(field Token <<<\"$CREDS\")",
    "TOKEN=$(curl -fsS -X POST --aws-sigv4 \"aws:amz:$AWS_REGION:execute-api\" --user \"$AK:$SK\" -H \"x-amz-security-token: $ST\" \"$BURSTFARM_API_URL/agents/session-token\" | field token)",
    "exec burstfarm agent --api \"$BURSTFARM_API_URL\" --token \"$TOKEN\" --node-id \"$BURSTFARM_NODE_ID\" --outputs \"s3://$BURSTFARM_OUTPUT_BUCKET/\" --work-dir /var/lib/burstfarm",
    "EOF",
    "chmod 755 /opt/burstfarm/start-agent.sh",
    "cat > /etc/systemd/system/burstfarm-agent.service <<'EOF'",
    "[Unit]",
    "Description=burstfarm render node agent",
    "After=network-online.target",
    "Wants=network-online.target",
    "[Service]",
    "User=burstfarm",
    "StateDirectory=burstfarm",
    "EnvironmentFile=/etc/burstfarm/agent.env",
    "ExecStart=/opt/burstfarm/start-agent.sh",
    "Restart=always",
    "RestartSec=5",
    // The spot notice gives two minutes; the agent reports `interrupted` within them.
    "TimeoutStopSec=100",
    "[Install]",
    "WantedBy=multi-user.target",
    "EOF",
    "systemctl daemon-reload",
    "systemctl enable --now burstfarm-agent",
  );
  return ud;
}
