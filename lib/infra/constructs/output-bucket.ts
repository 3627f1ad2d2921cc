/**
 * Previews, outputs and task logs: one bucket, SSE-S3, TLS only, no public access, versioned,
 * with its own access-log bucket. Layout (the agent writes, the API reads; lib/agent):
 *   jobs/<jobId>/<step>/…           frames (and `preview/…` passes), task logs under jobs/<jobId>/logs/
 *   previews/<jobId>/…              previews stored apart — expire after `previewDays`
 *   agent/…                         the agent package the render nodes' user data installs
 * Objects tagged `burstfarm:kind=preview` expire like previews/ wherever they are.
 * Cloud agents may only put objects under a job's prefix (grantAgentUploads).
 */
import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { acknowledgeWildcards } from "../nag-suppressions.ts";
import { PolicyStatement, type IRole } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

export interface OutputBucketProps {
  /** Days a preview is kept. Default 14. */
  readonly previewDays?: number;
}

export const bucketPrefixes = { jobs: "jobs/", previews: "previews/", agent: "agent/" } as const;
export const previewTag = { key: "burstfarm:kind", value: "preview" } as const;

export class OutputBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: OutputBucketProps = {}) {
    super(scope, id);
    this.accessLogs = new Bucket(this, "AccessLogs", {
      encryption: BucketEncryption.S3_MANAGED, enforceSSL: true, blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, "Bucket", {
      encryption: BucketEncryption.S3_MANAGED, enforceSSL: true, blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs, serverAccessLogsPrefix: "outputs-bucket/",
      lifecycleRules: [
        { id: "previews-expire", prefix: bucketPrefixes.previews, expiration: Duration.days(props.previewDays ?? 14), noncurrentVersionExpiration: Duration.days(1) },
        { id: "tagged-previews-expire", tagFilters: { [previewTag.key]: previewTag.value }, expiration: Duration.days(props.previewDays ?? 14), noncurrentVersionExpiration: Duration.days(1) },
        { id: "old-versions", noncurrentVersionExpiration: Duration.days(30) },
        { id: "abort-uploads", abortIncompleteMultipartUploadAfter: Duration.days(2) },
      ],
      // Renders are the studio's work product: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Agents put objects (and their tags) under a job's prefix: no read, list or delete. IAM cannot
   * tell which jobs a node holds, so the per-job check is the server's: the run spec names the
   * job's prefix, and a task's keys carry its job id.
   */
  grantAgentUploads(role: IRole): void {
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    const under = [`${bucketPrefixes.jobs}*/*`, `${bucketPrefixes.previews}*/*`];
    acknowledgeWildcards(role, under.map((p) => `<${bucketId}.Arn>/${p}`),
      "Object keys carry the job id (jobs/<jobId>/…, previews/<jobId>/…): put (with tags) only; no read, list or delete.");
    role.addToPrincipalPolicy(new PolicyStatement({
      sid: "UploadUnderJobPrefixes",
      actions: ["s3:PutObject", "s3:PutObjectTagging"],
      resources: under.map((p) => this.bucket.arnForObjects(p)),
    }));
  }

  /** The API reads task logs and outputs to serve them (never writes: agents do). */
  grantApiRead(fn: IFunction): void {
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    fn.addToRolePolicy(new PolicyStatement({ sid: "ReadJobObjects", actions: ["s3:GetObject"], resources: [this.bucket.arnForObjects(`${bucketPrefixes.jobs}*`)] }));
    acknowledgeWildcards(fn.role!, [`<${bucketId}.Arn>/${bucketPrefixes.jobs}*`], "The API serves any job's task logs and outputs to whoever may see that job (the service checks).");
  }

  /** Render nodes read the agent package (when it lives in this bucket). */
  grantAgentPackageRead(role: IRole): void {
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    acknowledgeWildcards(role, [`<${bucketId}.Arn>/${bucketPrefixes.agent}*`], "Render nodes read the agent package (versioned file names) under agent/ only.");
    role.addToPrincipalPolicy(new PolicyStatement({ sid: "ReadAgentPackage", actions: ["s3:GetObject"], resources: [this.bucket.arnForObjects(`${bucketPrefixes.agent}*`)] }));
  }
}
