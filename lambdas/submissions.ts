/**
 * Submissions buffer consumer: pipeline tools inside the account may queue jobs instead of
 * calling the API (bulk submissions, an API outage). Each message becomes one submitJob with
 * an idempotency key — the sender's, or the SQS message id — so a redelivered message lands on
 * the same job. A submission the service refuses fails its record, which ends in the DLQ (and
 * its alarm) where a person sees it; storage trouble fails it for a retry.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { SQSRecord } from "aws-lambda";
import { z } from "zod";
import { submitJob } from "../lib/service/index.ts";
import { id } from "../lib/http/contract/common.ts";
import { type SqsHandler, sqsConsumer } from "./sqs-consumer.ts";
import { wired, type Wired } from "./wire.ts";

export const submissionMessageSchema = z.strictObject({
  /** The client the job bills to; the job is submitted as that client. */
  clientId: id,
  idempotencyKey: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/).optional(),
  /** The same body POST /jobs takes (native form or OpenJD template + parameters). */
  job: z.record(z.string(), z.unknown()),
});

export type SubmissionsHandler = SqsHandler;

export function createSubmissions(w: Wired): SubmissionsHandler {
  const submit = async (record: SQSRecord): Promise<string> => {
    const m = submissionMessageSchema.parse(JSON.parse(record.body));
    const key = m.idempotencyKey ?? `sqs-${record.messageId}`.slice(0, 128).replace(/[^A-Za-z0-9_.:-]/g, "-");
    const { job, created } = await submitJob(w.deps, { body: m.job, idempotencyKey: key },
      { kind: "client", clientId: m.clientId, requestId: record.messageId });
    w.metrics.addMetric(created ? "submissionsCreated" : "submissionsReplayed", MetricUnit.Count, 1);
    return job.id;
  };
  return sqsConsumer(w, submit, "submission not accepted");
}

let consumer: SubmissionsHandler | undefined;

export const handler: SubmissionsHandler = (event, context) => {
  consumer ??= createSubmissions(wired());
  return consumer(event, context);
};
