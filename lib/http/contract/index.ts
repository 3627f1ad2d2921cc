/** Every route of the HTTP API, in the order the OpenAPI document lists them. */
import type { RouteContract } from "../route.ts";
import * as agents from "./agents.ts";
import * as clients from "./clients.ts";
import * as farm from "./farm.ts";
import * as identity from "./identity.ts";
import * as jobs from "./jobs.ts";
import * as monitor from "./monitor.ts";
import * as outputs from "./outputs.ts";
import { z } from "zod";
import { defineRoute } from "../route.ts";

export const getOpenApi = defineRoute({
  operationId: "getOpenApi", method: "GET", path: "/openapi.json", tag: "meta",
  summary: "This document", accepts: ["client", "operator", "agent"],
  response: z.record(z.string(), z.unknown()),
});

export const contracts = {
  submitJob: jobs.submitJob,
  listJobs: jobs.listJobs,
  getJob: jobs.getJob,
  editJob: jobs.editJob,
  cancelJob: jobs.cancelJob,
  approveJob: jobs.approveJob,
  getTaskLog: jobs.getTaskLog,
  listClients: clients.listClients,
  createClient: clients.createClient,
  getClient: clients.getClient,
  updateClient: clients.updateClient,
  getClientUsage: clients.getClientUsage,
  listNodes: farm.listNodes,
  drainNode: farm.drainNode,
  enableNode: farm.enableNode,
  getFarm: farm.getFarm,
  getAudit: farm.getAudit,
  registerAgent: agents.registerAgent,
  pollAgent: agents.pollAgent,
  completeTask: agents.completeTask,
  failTask: agents.failTask,
  getRunSpec: agents.getRunSpec,
  renewAgentToken: agents.renewAgentToken,
  agentSessionToken: agents.sessionToken,
  issueRegistrationSecret: identity.issueRegistrationSecret,
  listRegistrationSecrets: identity.listRegistrationSecrets,
  revokeRegistrationSecret: identity.revokeRegistrationSecret,
  revokeNode: identity.revokeNode,
  getOpenApi,
  getJobTasks: monitor.getJobTasks,
  requeueFailed: monitor.requeueFailed,
  getJobCosts: monitor.getJobCosts,
  getFarmHistory: monitor.getFarmHistory,
  listJobOutputs: outputs.listJobOutputs,
  getFrameThumbnail: outputs.getFrameThumbnail,
  getFrameImage: outputs.getFrameImage,
} as const;

export const allContracts: readonly RouteContract[] = Object.values(contracts);
