/**
 * The agent's life after registration: one call at a time to `POST /agents/{id}/poll`
 * (heartbeat + progress + terminal reports in; assignments, cancels, acknowledgements, next
 * interval and desired status out), at the interval the server sets, sooner when a task ends.
 * The API being unreachable changes nothing but the wait (capped exponential backoff); the
 * journal keeps every terminal report until acknowledged.
 *
 * Stopping (SIGTERM, spot notice, desired status `stop`): take no work, interrupt running
 * tasks (their cancel method, the notify period cut to the time left; expedited under 10 s),
 * report them `interrupted`, and return before the deadline. `drain` only stops taking work.
 */
import { cpus, freemem, loadavg, totalmem } from "node:os";
import type { PollReply } from "../service/views.ts";
import { ApiRejected, ApiUnavailable, type AgentApi, type PollBody } from "./api-client.ts";
import { Cancellation } from "./cancellation.ts";
import type { AgentCredential } from "./credentials.ts";
import type { Journal, TerminalReport } from "./journal.ts";
import type { TaskSlots } from "./task-slots.ts";

export interface LoopDeps {
  api: AgentApi;
  credentials: AgentCredential;
  nodeId: string;
  journal: Journal;
  slots: TaskSlots;
  log(line: string): void;
  now(): number;
  maxBackoffSec: number;
  /** Gets a fresh node token (after a 401). */
  reRegister(): Promise<void>;
  /** Poll at least this often whatever the server says (tests, simulations); default: as the server says. */
  maxPollSec?: number;
}

/** Terminal reports per poll body (each at most 160 KB, see fitReport; the route takes 256 KB). */
export const terminalBytesPerPoll = 192 * 1024;

export type ExitReason = { reason: string; unreported: number };

export class PollLoop {
  private mode: "run" | "drain" | "stopping" = "run";
  private stopReason = "";
  private deadline = Infinity;
  private escalation: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private backoffSec = 1;
  polls = 0;

  constructor(private readonly d: LoopDeps) {}

  /** Something happened that the server should hear about now (a task ended, a stop began). */
  nudge(): void {
    this.wake?.();
  }

  /** Stop within `withinMs`: interrupt running tasks, report, return from `run()`. */
  stop(reason: string, withinMs: number): void {
    const deadline = this.d.now() + withinMs;
    if (this.mode === "stopping" && deadline >= this.deadline) return;
    this.d.log(`stopping: ${reason} (${Math.round(withinMs / 1000)} s left)`);
    this.mode = "stopping";
    this.stopReason ||= reason;
    this.deadline = deadline;
    const expedited = withinMs < 10_000;
    // Leave 10 s to exit environments and report; under 10 s, kill now.
    this.d.slots.cancelAll({ reason, interrupted: true, urgency: expedited ? "expedited" : "graceful", graceSec: expedited ? 0 : Math.max(0, (withinMs - 10_000) / 1000) });
    clearTimeout(this.escalation);
    if (!expedited) {
      this.escalation = setTimeout(() => this.d.slots.cancelAll({ reason, interrupted: true, urgency: "expedited", graceSec: 2 }), withinMs - 10_000);
      this.escalation.unref();
    }
    this.nudge();
  }

  async run(): Promise<ExitReason> {
    for (;;) {
      const body = this.report();
      let waitSec: number;
      try {
        await this.d.credentials.renewIfDue(this.d.api, this.d.nodeId);
        const reply = await this.d.api.poll(this.d.nodeId, body);
        this.polls++;
        this.backoffSec = 1;
        this.handle(reply);
        waitSec = Math.min(reply.nextPollSec, this.d.maxPollSec ?? Infinity);
      } catch (err) {
        if (!(err instanceof ApiUnavailable) && !(err instanceof ApiRejected)) throw err;
        this.d.log(`poll failed: ${err.message}`);
        // 401: the token lapsed (e.g. a long outage): register again. 403: this node was revoked.
        if (err instanceof ApiRejected && err.status === 401) await this.d.reRegister().catch((e: Error) => this.d.log(`re-registering failed: ${e.message}`));
        if (err instanceof ApiRejected && err.status === 403 && this.mode !== "stopping") this.stop("the API refuses this node (revoked?)", 30_000);
        waitSec = this.backoffSec;
        this.backoffSec = Math.min(this.d.maxBackoffSec, this.backoffSec * 2);
      }
      if (this.mode === "stopping") {
        const settled = !this.d.slots.busy && this.d.journal.pending().length === 0;
        const late = this.d.now() >= this.deadline - 2_000;
        // Past the deadline, go anyway: the journal keeps the reports, process groups die with us.
        if (settled || (late && !this.d.slots.busy) || this.d.now() >= this.deadline) {
          clearTimeout(this.escalation);
          await this.closeSessions();
          return { reason: this.stopReason, unreported: this.d.journal.pending().length };
        }
        waitSec = Math.min(waitSec, 1);
      }
      await this.sleep(waitSec * 1000);
    }
  }

  /** Environments are exited, but never past the stop deadline. */
  private async closeSessions(): Promise<void> {
    const hurry = new Cancellation();
    const timer = setTimeout(() => hurry.cancel({ reason: this.stopReason, urgency: "expedited", interrupted: true, graceSec: 0 }), Math.max(0, this.deadline - this.d.now() - 1_000));
    try {
      await this.d.slots.closeSessions(hurry);
    } finally {
      clearTimeout(timer);
    }
  }

  private report(): PollBody {
    const live = [...this.d.slots.tasks.values()].map((t) => ({
      taskId: t.assignment.taskId, token: t.assignment.token, state: t.state, progress: t.progress,
      ...(t.startedAt ? { startedAt: t.startedAt } : {}),
      ...(t.log?.lastLines() ? { message: t.log.lastLines() } : {}),
    }));
    const terminal = terminalBatch(this.d.journal.pending(), live.length);
    return { tasks: [...terminal, ...live], metrics: hostMetrics(), ...(this.mode === "stopping" ? { stopping: true } : {}) };
  }

  private handle(reply: PollReply): void {
    for (const a of reply.acknowledged) if (a.outcome !== "retry") this.d.journal.ack(a.token);
    for (const c of reply.cancel) this.d.slots.cancel(c.token, { reason: c.reason, urgency: "graceful", interrupted: false });
    if (reply.desiredStatus === "stop" && this.mode !== "stopping") this.stop("the server asked this node to stop", 110_000);
    else if (reply.desiredStatus === "drain" && this.mode === "run") {
      this.mode = "drain";
      this.d.log("draining: finishing running tasks, taking no new ones");
      // Tasks queued behind the running ones go back to the farm now rather than wait here.
      this.d.slots.dropWaiting({ reason: "node draining", urgency: "graceful", interrupted: true });
    }
    else if (reply.desiredStatus === "run" && this.mode === "drain") this.mode = "run";
    if (this.mode !== "run") return;
    // An attempt already finished here (its report not yet acknowledged) is never started twice.
    const finished = new Set(this.d.journal.pending().map((r) => r.token));
    for (const a of reply.assignments) if (!finished.has(a.token)) this.d.slots.add(a);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() { clearTimeout(timer); resolve(); }
      this.wake = done;
    });
  }
}

/**
 * The schema takes 64 tasks a poll and the route 256 KB: the oldest terminal reports first, up to
 * `terminalBytesPerPoll` of them (always at least one), the rest next time.
 */
export function terminalBatch(pending: readonly TerminalReport[], live: number): TerminalReport[] {
  const out: TerminalReport[] = [];
  let bytes = 0;
  for (const r of pending.slice(0, Math.max(0, 64 - live))) {
    bytes += Buffer.byteLength(JSON.stringify(r), "utf8");
    if (out.length > 0 && bytes > terminalBytesPerPoll) break;
    out.push(r);
  }
  return out;
}

function hostMetrics(): { cpuPct: number; memoryPct: number } {
  const cpuPct = Math.min(100, (loadavg()[0]! / Math.max(1, cpus().length)) * 100);
  return { cpuPct: Math.round(cpuPct * 10) / 10, memoryPct: Math.round((1 - freemem() / totalmem()) * 1000) / 10 };
}
