/** The service's public surface: use cases, their input/view types, errors and ports. */
export * from "./errors.ts";
export * from "./actor.ts";
export type * from "./model.ts";
export type * from "./ports.ts";
export type * from "./views.ts";
export { jobSpecSchema, parseJobSpec, parseWith, fieldPath, type JobSpec, type JobSpecInput } from "./job-spec.ts";
export { openJdSubmissionSchema, type OpenJdSubmission } from "./openjd-job.ts";
export { submitJob, type SubmitJobInput } from "./submit-job.ts";
export { listJobs, type ListJobsInput } from "./list-jobs.ts";
export { getJob } from "./get-job.ts";
export { editJob, type EditJobInput } from "./edit-job.ts";
export { cancelJob } from "./cancel-job.ts";
export { approvePreview } from "./approve-preview.ts";
export {
  createClient, updateClient, getClient, listClients, clientUsage,
  clientInputSchema, clientPatchSchema, type ClientInput, type ClientPatch,
} from "./manage-clients.ts";
export { listNodes, drainNode, enableNode, nodeViewOf } from "./manage-nodes.ts";
export { farmSummary } from "./farm-summary.ts";
export {
  registerAgent, registerAgentSchema, idlePollSec, admitNode, admitNodeSchema, newNode,
  type RegisterAgentInput, type RegisterCaller, type Registration, type AdmitNodeInput,
} from "./register-agent.ts";
export * from "./identity/index.ts";
export { pollAgent, type PollInput, type ReportedTask } from "./poll-agent.ts";
export { completeTask, failTask, type SettleTaskInput } from "./settle-task.ts";
export { runPlanningCycle, type PlanningCycleResult, type PlanFn } from "./run-planning-cycle.ts";
export { reclaimExpiredLeases } from "./reclaim-expired-leases.ts";
export { requestPlan } from "./request-plan.ts";
export { queryAudit } from "./query-audit.ts";
export { getJobTasks, type JobTasksView, type StepTasksView } from "./monitor/job-tasks.ts";
export { requeueFailed } from "./monitor/requeue-failed.ts";
export { jobCosts } from "./monitor/job-costs.ts";
export { farmHistory, type FarmHistory } from "./monitor/farm-history.ts";
export { listJobOutputs, readThumbnail, readFrameImage, maxFrameImageBytes, type JobOutputView } from "./monitor/job-outputs.ts";
export { recordTaskOutputs, ownFrames, maxOutputsPerTask, maxListedFrames, type FrameOutput, type TaskOutputsRecord, type TaskOutputsStore } from "./monitor/task-outputs.ts";
export type { FarmSample, JobCost, MonitorStore } from "./monitor/monitor-store.ts";
export { getRunSpec, readTaskLog, outputPrefix, taskLogKey } from "./run-spec-access.ts";
export { nativeRunSchema, type JobRunSpec, type StepRunSpec, type NativeRun } from "./run-spec.ts";
