/** The one spelling of a task's identity: `jobId:stepName:taskIndex`. */
export function taskId(jobId: string, stepName: string, taskIndex: number): string {
  return `${jobId}:${stepName}:${taskIndex}`;
}

export function parseTaskId(id: string): { jobId: string; stepName: string; taskIndex: number } {
  const last = id.lastIndexOf(":");
  const mid = id.lastIndexOf(":", last - 1);
  if (mid <= 0 || last <= mid) throw new Error(`taskId: "${id}" is not jobId:stepName:taskIndex`);
  const taskIndex = Number(id.slice(last + 1));
  if (!Number.isInteger(taskIndex) || taskIndex < 0) throw new Error(`taskId: "${id}" has no task index`);
  return { jobId: id.slice(0, mid), stepName: id.slice(mid + 1, last), taskIndex };
}
