/**
 * Previews and outputs: one bucket, SSE-S3, TLS only, no public access, versioned, with its
 * own access-log bucket. Layout (the agent writes, the API reads):
 *   previews/<jobId>/…   low-quality and early frames — expire after `previewDays`
 *   outputs/<jobId>/…    finals — kept (noncurrent versions expire after 30 days)
 *   agent/…              the agent package the render nodes' user data installs
 * Cloud agents may only put objects under previews/ and outputs/ (grantAgentUploads).
 */
import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { acknowledgeWildcards } from "../nag-suppressions.ts";
import { PolicyStatement, type IRole } from "aws-cdk-lib/aws-iam";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

export interface OutputBucketProps {
  /** Days a preview is kept. Default 14. */
  readonly previewDays?: number;
}

export const bucketPrefixes = { previews: "previews/", outputs: "outputs/", agent: "agent/" } as const;

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
        { id: "old-versions", noncurrentVersionExpiration: Duration.days(30) },
        { id: "abort-uploads", abortIncompleteMultipartUploadAfter: Duration.days(2) },
      ],
      // Renders are the studio's work product: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Agents upload previews and outputs (PutObject only: no read, list or delete), under a job's
   * prefix. IAM cannot tell which jobs a node holds, so the per-job check is the server's: it
   * hands out the keys with each assignment (lib/agent), and the object key names the job.
   */
  grantAgentUploads(role: IRole): void {
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    acknowledgeWildcards(role, [`<${bucketId}.Arn>/${bucketPrefixes.previews}*/*`, `<${bucketId}.Arn>/${bucketPrefixes.outputs}*/*`],
      "Object keys carry the job id (previews/<jobId>/…, outputs/<jobId>/…): PutObject only, no read, list or delete.");
    role.addToPrincipalPolicy(new PolicyStatement({
      sid: "UploadPreviewsAndOutputsByJob",
      actions: ["s3:PutObject"],
      resources: [this.bucket.arnForObjects(`${bucketPrefixes.previews}*/*`), this.bucket.arnForObjects(`${bucketPrefixes.outputs}*/*`)],
    }));
  }

  /** Render nodes read the agent package (when it lives in this bucket). */
  grantAgentPackageRead(role: IRole): void {
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    acknowledgeWildcards(role, [`<${bucketId}.Arn>/${bucketPrefixes.agent}*`], "Render nodes read the agent package (versioned file names) under agent/ only.");
    role.addToPrincipalPolicy(new PolicyStatement({ sid: "ReadAgentPackage", actions: ["s3:GetObject"], resources: [this.bucket.arnForObjects(`${bucketPrefixes.agent}*`)] }));
  }
}
