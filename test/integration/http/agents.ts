/** Agent-side helpers for the HTTP scenarios: register a node (secret → node token), poll it, drain the plan trigger. */
import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";
import { anSqsEvent, anSqsRecord } from "../../builders/api-events.ts";
import { aRequest, type ApiHarness } from "./harness.ts";

export const linuxNode = (nodeId: string) => ({
  nodeId, hostname: `${nodeId}.farm.local`,
  capabilities: { vcpu: 16, memoryGiB: 64, gpuCount: 0, os: "linux" as const, cpuArch: "x86_64" },
  slots: 1, agentVersion: "test",
});

/** Registers a new node with the harness's registration secret; its node token lands in `h.nodeTokens`. */
export async function registerNode(h: ApiHarness, nodeId: string): Promise<string> {
  const r = await h.call(aRequest("POST", "/agents/register").as(h.registrationSecret).json(linuxNode(nodeId)));
  if (r.status !== 200) throw new Error(`register ${nodeId}: ${r.status} ${JSON.stringify(r.body)}`);
  h.nodeTokens.set(nodeId, r.body.token);
  return r.body.token;
}

/** The node token `registerNode` got for this node. */
export function nodeToken(h: ApiHarness, nodeId: string): string {
  const t = h.nodeTokens.get(nodeId);
  if (!t) throw new Error(`node ${nodeId} was not registered through registerNode`);
  return t;
}

export async function poll(h: ApiHarness, nodeId: string, tasks: unknown[] = []) {
  return h.call(aRequest("POST", `/agents/${nodeId}/poll`).as(nodeToken(h, nodeId)).json({ tasks }));
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
