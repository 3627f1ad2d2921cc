/**
 * Child processes an agent starts, each in its own process group, so a cancel or timeout
 * kills the whole tree (a renderer's own children included: no zombie holding a licence).
 * Each agent keeps its own `ProcessGroups`: its live groups are killed when that agent stops,
 * and their ids are written under its work dir so an agent restarted after `kill -9` kills
 * what it left behind. Several agents may share one process (the local farm runs its nodes
 * in-process): one agent stopping must never touch another's renders — a shared set did, and
 * every other node's task died with SIGKILL and counted as that node's failure for the job.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** Sends `signal` to every process of the group; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export interface Spawned {
  child: ChildProcess;
  pgid: number;
  /** Resolves with the leader's exit once stdout and stderr are read (or a second after exit). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills whatever is left of the group and forgets it. */
  release(): void;
}

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Each complete line of stdout or stderr, in order per stream. */
  onLine(line: string, stream: "stdout" | "stderr"): void;
}

/** Every registry with live groups, killed together only when the whole process exits. */
const registries = new Set<ProcessGroups>();
let exitHookInstalled = false;

/** One agent's process groups (optionally recorded under `pidDir`). */
export class ProcessGroups {
  private readonly live = new Set<number>();

  constructor(private readonly pidDir?: string) {
    if (pidDir) mkdirSync(pidDir, { recursive: true });
    registries.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on("exit", () => { for (const r of registries) r.killAll(); });
    }
  }

  /** Kills the groups a previous run recorded under `pidDir` and forgets them. */
  killLeftBehind(): number {
    if (!this.pidDir) return 0;
    let killed = 0;
    for (const name of readdirSync(this.pidDir)) {
      const pgid = Number(name);
      if (Number.isInteger(pgid) && pgid > 1 && !this.live.has(pgid) && signalGroup(pgid, "SIGKILL")) killed++;
      if (!this.live.has(pgid)) rmSync(join(this.pidDir, name), { force: true });
    }
    return killed;
  }

  /** Kills every group of this agent still running (the agent stops). */
  killAll(): void {
    for (const pgid of this.live) signalGroup(pgid, "SIGKILL");
    this.live.clear();
  }

  /** The agent is gone: kill its groups and drop the registry. */
  close(): void {
    this.killAll();
    registries.delete(this);
  }

  get size(): number {
    return this.live.size;
  }

  spawn(command: string, args: readonly string[], opts: SpawnOptions): Spawned {
    // detached: the child leads a new process group whose id is its pid.
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const pgid = child.pid ?? -1;
    if (pgid > 0) {
      this.live.add(pgid);
      if (this.pidDir) writeFileSync(join(this.pidDir, String(pgid)), command);
    }
    const streams = (["stdout", "stderr"] as const).map((name) => new Promise<void>((resolve) => {
      const stream = child[name];
      if (!stream) return resolve();
      createInterface({ input: stream, crlfDelay: Infinity }).on("line", (l) => opts.onLine(l, name)).on("close", resolve);
      // A destroyed pipe (see below) ends with "close", not "end".
      stream.once("close", resolve);
    }));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      let spawnError: Error | undefined;
      child.once("error", (err) => {
        spawnError = err;
        opts.onLine(`cannot start ${command}: ${err.message}`, "stderr");
        resolve({ code: 127, signal: null });
      });
      child.once("exit", (code, signal) => {
        // A daemon started in the background may keep the pipes open: stop waiting for them after a second.
        const late = setTimeout(() => { child.stdout?.destroy(); child.stderr?.destroy(); }, 1000);
        void Promise.all(streams).then(() => { clearTimeout(late); if (!spawnError) resolve({ code, signal }); });
      });
    });
    const release = () => {
      if (pgid <= 0 || !this.live.has(pgid)) return;
      signalGroup(pgid, "SIGKILL");
      this.live.delete(pgid);
      if (this.pidDir) rmSync(join(this.pidDir, String(pgid)), { force: true });
    };
    return { child, pgid, exited, release };
  }
}

/** Groups started outside any agent (tests, one-off commands): killed only at process exit. */
export const unownedGroups = new ProcessGroups();
