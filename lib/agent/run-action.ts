/**
 * Runs one command in its own process group with a timeout and cancelation (OpenJD 2023-09
 * §5.3): TERMINATE sends SIGKILL to the whole tree; NOTIFY_THEN_TERMINATE sends SIGTERM,
 * waits up to the notify period for the command to exit, then SIGKILLs the tree. A timeout
 * cancels the same way and counts as a failure. An expedited cancel shortens the wait.
 */
import type { Cancellation, CancelRequest } from "./cancellation.ts";
import { signalGroup, unownedGroups, type ProcessGroups } from "./process-tree.ts";

export type CancelMethod = { mode: "TERMINATE" } | { mode: "NOTIFY_THEN_TERMINATE"; notifyPeriodSec: number };

export interface ActionSpec {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutSec?: number;
  cancelMethod: CancelMethod;
  cancellation: Cancellation;
  onLine(line: string, stream: "stdout" | "stderr"): void;
  /** Called before the first notify signal with when the notify period ends (cancel_info.json). */
  beforeNotify?(notifyEnd: Date): Promise<void> | void;
  /** Leave processes the command started in the background running (an environment's daemon). */
  keepBackground?: boolean;
  /** The agent's process groups (its stop kills them, and only them). */
  groups?: ProcessGroups;
}

export interface ActionResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** How it ended: on its own, by timeout, or by a cancel request. */
  ending: "exited" | "timeout" | "canceled";
  /** Kills what the command left running in the background (kept with `keepBackground`). */
  release(): void;
}

export async function runAction(spec: ActionSpec): Promise<ActionResult> {
  const proc = (spec.groups ?? unownedGroups).spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, onLine: spec.onLine });
  let ending: ActionResult["ending"] = "exited";
  let exited = false;
  let killTimer: NodeJS.Timeout | undefined;
  let killAt = Infinity;
  const killNow = () => { if (!exited) signalGroup(proc.pgid, "SIGKILL"); };
  const killWithin = (sec: number) => {
    const at = Date.now() + sec * 1000;
    if (at >= killAt) return;
    killAt = at;
    clearTimeout(killTimer);
    killTimer = setTimeout(killNow, Math.max(0, at - Date.now()));
  };
  let notified = false;
  const stop = async (graceSec?: number) => {
    if (exited) return;
    if (spec.cancelMethod.mode === "TERMINATE") return killNow();
    const period = Math.min(spec.cancelMethod.notifyPeriodSec, graceSec ?? Infinity);
    if (!notified) {
      notified = true;
      await spec.beforeNotify?.(new Date(Date.now() + period * 1000));
      if (!exited) signalGroup(proc.pgid, "SIGTERM");
    }
    killWithin(period);
  };
  const onCancel = (r: CancelRequest) => {
    if (ending === "exited") ending = "canceled";
    // A stop with a deadline cuts the notify period to what is left; expedited leaves (almost) nothing.
    void stop(r.urgency === "expedited" ? r.graceSec ?? 0 : r.graceSec);
  };
  const timeout = spec.timeoutSec === undefined ? undefined : setTimeout(() => {
    spec.onLine(`action timed out after ${spec.timeoutSec} s`, "stderr");
    ending = "timeout";
    void stop();
  }, spec.timeoutSec * 1000);
  const off = spec.cancellation.onCancel(onCancel);
  try {
    const { code, signal } = await proc.exited;
    exited = true;
    return { exitCode: code, signal, ending, release: proc.release };
  } finally {
    exited = true;
    off();
    clearTimeout(timeout);
    clearTimeout(killTimer);
    if (!spec.keepBackground || ending !== "exited") proc.release();
  }
}
