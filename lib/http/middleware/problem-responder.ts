/**
 * onError: turns any error into the API's problem response via the one error mapper. 5xx are
 * logged with their cause (the caller sees only "internal error" and the request id).
 */
import type { MiddlewareObj } from "@middy/core";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from "aws-lambda";
import { errorResponse, toProblem } from "../error-mapper.ts";

export function problemResponder(logger: Logger): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    onError: async (request) => {
      const requestId = request.event.requestContext?.requestId;
      const problem = toProblem(request.error);
      if (problem.status >= 500) logger.error("request failed", { error: request.error as Error, requestId });
      else logger.info("request refused", { status: problem.status, code: problem.code, message: problem.message });
      request.response = errorResponse(problem, requestId);
    },
  };
}
