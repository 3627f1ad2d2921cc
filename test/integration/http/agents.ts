/** Agent-side helpers for the HTTP scenarios: register a node, poll it, drain the plan trigger. */
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { anSqsEvent, anSqsRecord } from "../../builders/api-events.ts";
import { aRequest, tokens, type ApiHarness } from "./harness.ts";

export const linuxNode = (nodeId: string) => ({
  nodeId, hostname: `${nodeId}.farm.local`, pool: "onprem",
  capabilities: { vcpu: 16, memoryGiB: 64, gpuCount: 0, os: "linux", cpuArch: "x86_64" },
  slots: 1, agentVersion: "test",
});

export async function registerNode(h: ApiHarness, nodeId: string): Promise<void> {
  const r = await h.call(aRequest("POST", "/agents/register").as(tokens.agent).json(linuxNode(nodeId)));
  if (r.status !== 200) throw new Error(`register ${nodeId}: ${r.status} ${JSON.stringify(r.body)}`);
}

export async function poll(h: ApiHarness, nodeId: string, tasks: unknown[] = []) {
  return h.call(aRequest("POST", `/agents/${nodeId}/poll`).as(tokens.agent).json({ tasks }));
}

/** Receives whatever is on the plan-trigger queue (deleting it) as Lambda SQS records. */
export async function drainPlanTrigger(h: ApiHarness): Promise<SQSRecord[]> {
  const records: SQSRecord[] = [];
  for (;;) {
    const r = await h.aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: h.aws.queueUrls.planTrigger, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const msgs = r.Messages ?? [];
    if (msgs.length === 0) return records;
    for (const m of msgs) {
      records.push(anSqsRecord(m.Body ?? "", { messageId: m.MessageId!, queue: "burstfarm-plan-trigger.fifo" }));
      await h.aws.sqs.send(new DeleteMessageCommand({ QueueUrl: h.aws.queueUrls.planTrigger, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
}

export { anSqsEvent };
