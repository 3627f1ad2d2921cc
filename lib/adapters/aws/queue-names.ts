/** The queues burstfarm uses; each has a DLQ named `<name>-dlq`. */
export const queueNames = {
  submissions: "burstfarm-submissions",
  agentEvents: "burstfarm-agent-events",
  // FIFO, one message group: triggers are serialised and deduplicated per time bucket (coalescing).
  planTrigger: "burstfarm-plan-trigger.fifo",
  // The planner's nudge to the capacity Lambda (launch and terminate); standard: runs coalesce by batch.
  capacity: "burstfarm-capacity",
} as const;

export type QueueRole = keyof typeof queueNames;

/** Deliveries before a message goes to its DLQ. */
export const maxReceiveCount = 5;
