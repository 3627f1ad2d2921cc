import { speedOf } from "../matching/node-classes.ts";
import type { SlotPool } from "../matching/slot-pools.ts";
import type { JobState, StepState } from "../work/job-state.ts";
import { freesAt } from "./tail-rule.ts";

/**
 * When each job's first frame is due from what already runs, so a job still waiting for its
 * first frame keeps its preview turn. A job with no frame done is not previewed yet just because
 * a task of it runs: an early look started on a slow node (a sim on a GPU box at 0.4×, 2.5 h)
 * would otherwise end the job's first-frame turn and its artist waits hours while a fast node
 * frees minutes later (priority-inversion: M2's first frame at +2.65 h of its 24 h window, the
 * 64-core nodes freeing from +0.2 h). Such a job may take one more first-frame slot, but only
 * one that finishes a task before the running one is expected to: never a second look that
 * comes later than the first.
 */
export class FirstFrames {
  /** Per job, the earliest expected end of its running tasks: every lease scanned, once, when a job with no frame done first has one running. */
  private runningEnd: Map<string, number> | null = null;

  constructor(private readonly pools: readonly SlotPool[], private readonly now: number) {}

  private ends(): Map<string, number> {
    if (this.runningEnd) return this.runningEnd;
    const out = new Map<string, number>();
    for (const p of this.pools) {
      for (const n of p.cls.nodes) {
        for (const l of n.leases) {
          const at = out.get(l.jobId);
          if (at === undefined || l.expectedEndAt < at) out.set(l.jobId, l.expectedEndAt);
        }
      }
    }
    return (this.runningEnd = out);
  }

  /**
   * When the job's first frame is expected from its running tasks: null once a frame is done
   * (or a task runs where no lease says when it ends), Infinity while nothing runs.
   */
  expectedAt(s: JobState): number | null {
    let running = 0;
    for (const st of s.steps) {
      if (st.step.doneTasks !== 0) return null;
      running += st.running;
    }
    if (running === 0) return Infinity;
    const at = this.ends().get(s.job.id);
    return at === undefined ? null : Math.max(this.now, at);
  }

  /** No frame done, and a slot could still bring the first frame sooner than what runs. */
  awaits(s: JobState): boolean {
    return this.awaitsAt(this.expectedAt(s));
  }

  /** {@link awaits} for a job whose {@link expectedAt} the caller already has (`at`). */
  awaitsAt(at: number | null): at is number {
    return at !== null && at > this.now;
  }

  /**
   * The pools whose next slot (free now, else queued behind the soonest-ending task) finishes a
   * task of `st` before the job's first frame is expected; all of them for a job with nothing running.
   */
  sooner(s: JobState, st: StepState, pools: readonly SlotPool[]): readonly SlotPool[] {
    const at = this.expectedAt(s);
    if (at === null) return [];
    if (at === Infinity) return pools;
    return pools.filter((p) => this.soonerOn(p, st, at));
  }

  /** Whether the pool's next slot finishes a task of `st` before `at`, the job's {@link expectedAt} (Infinity: nothing runs, any pool). */
  soonerOn(p: SlotPool, st: StepState, at: number): boolean {
    if (at === Infinity) return true;
    const from = nextSlotAt(p, this.now);
    return from !== null && from + (st.taskSec / speedOf(p.cls.speed, st.step.kind)) * 1000 < at;
  }
}

/** When the pool's next slot can start a task: now when one is free, else when its soonest queued place frees. */
function nextSlotAt(p: SlotPool, now: number): number | null {
  if (p.freeHead < p.free.length) return now;
  return p.soonHead < p.soon.length ? freesAt(p.soon[p.soonHead]!.leases, now) : null;
}
