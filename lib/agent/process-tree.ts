/**
 * Child processes the agent starts, each in its own process group, so a cancel or timeout
 * kills the whole tree (a renderer's own children included: no zombie holding a licence).
 * Every live group is remembered: on agent exit they are all killed, and their ids are
 * written under the work dir so an agent restarted after `kill -9` kills what it left behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const live = new Set<number>();
let pidDir: string | undefined;
let exitHookInstalled = false;

/** Records process groups under `dir` and kills the ones a previous agent run left behind. */
export function trackProcessGroups(dir: string): number {
  mkdirSync(dir, { recursive: true });
  pidDir = dir;
  let killed = 0;
  for (const name of readdirSync(dir)) {
    const pgid = Number(name);
    if (Number.isInteger(pgid) && pgid > 1 && signalGroup(pgid, "SIGKILL")) killed++;
    rmSync(join(dir, name), { force: true });
  }
  return killed;
}

/** Sends `signal` to every process of the group; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Kills every group still running (agent exit). */
export function killAllGroups(): void {
  for (const pgid of live) signalGroup(pgid, "SIGKILL");
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

export function spawnGroup(command: string, args: readonly string[], opts: SpawnOptions): Spawned {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", killAllGroups);
  }
  // detached: the child leads a new process group whose id is its pid.
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const pgid = child.pid ?? -1;
  if (pgid > 0) {
    live.add(pgid);
    if (pidDir) writeFileSync(join(pidDir, String(pgid)), command);
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
    if (pgid <= 0 || !live.has(pgid)) return;
    signalGroup(pgid, "SIGKILL");
    live.delete(pgid);
    if (pidDir) rmSync(join(pidDir, String(pgid)), { force: true });
  };
  return { child, pgid, exited, release };
}
