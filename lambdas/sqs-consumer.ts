/**
 * The one shape of an SQS consumer: each record handled on its own, failures reported as
 * partial batch failures (only the failed records come back), Powertools context and metrics.
 */
import middy from "@middy/core";
import sqsPartialBatchFailure from "@middy/sqs-partial-batch-failure";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { Wired } from "./wire.ts";

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function sqsConsumer(w: Wired, perRecord: (record: SQSRecord) => Promise<unknown>, failure: string): SqsHandler {
  return middy(async (event: SQSEvent) => Promise.allSettled(event.Records.map(perRecord)))
    .use(injectLambdaContext(w.logger))
    .use(logMetrics(w.metrics))
    .use(sqsPartialBatchFailure({
      logger: (reason: unknown, record: SQSRecord) =>
        w.logger.warn(failure, { messageId: record.messageId, reason: reason instanceof Error ? reason.message : String(reason) }),
    })) as unknown as SqsHandler;
}
