import { RetryableError, ServiceError } from "../../service/errors.ts";

const retryableNames = new Set([
  "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
  "InternalServerError", "ServiceUnavailable", "TimeoutError", "RequestTimeout",
  "TransactionConflictException", "ECONNRESET", "ECONNREFUSED", "ETIMEDOUT",
]);

export function isConditionFailed(err: unknown): boolean {
  return (err as { name?: string })?.name === "ConditionalCheckFailedException";
}

/** SDK errors become typed service errors (retryable or not) that carry the original as `cause`. */
export function mapSdkError(err: unknown, what: string): Error {
  if (err instanceof ServiceError) return err;
  const e = err as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? e?.code ?? "";
  const status = e?.$metadata?.httpStatusCode ?? 0;
  if (retryableNames.has(name) || e?.$retryable || status >= 500) {
    return new RetryableError(`${what}: storage is busy or unavailable (${name || status}); retry`, { cause: err });
  }
  return new ServiceError(`${what}: storage error (${name || "unknown"})`, { cause: err });
}
