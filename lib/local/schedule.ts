/**
 * The planner's EventBridge schedule, locally: a scheduled event every `everySec` of farm time
 * (one minute, as in the stack), each invocation awaited before the next is due.
 */
import type { Context, ScheduledEvent } from "aws-lambda";
import type { FarmClock } from "./farm-clock.ts";
import { localContext } from "./lambda-context.ts";

export interface Schedule {
  stop(): Promise<void>;
}

export function scheduledEvent(at: number): ScheduledEvent {
  return {
    version: "0", id: `local-${at}`, "detail-type": "Scheduled Event", source: "aws.events", account: "000000000000",
    time: new Date(at).toISOString(), region: "us-east-1", resources: ["arn:aws:events:local:000000000000:rule/burstfarm-planner"], detail: {},
  };
}

export function startSchedule(
  clock: FarmClock, everySec: number, name: string,
  invoke: (event: ScheduledEvent, context: Context) => Promise<unknown>, onError: (name: string, err: unknown) => void,
): Schedule {
  const stopping = new AbortController();
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        await invoke(scheduledEvent(clock.now()), localContext(name));
      } catch (err) {
        onError(name, err);
      }
      await clock.sleep(everySec * 1000, stopping.signal);
    }
  })();
  return {
    async stop() { stopping.abort(); await loop; },
  };
}
