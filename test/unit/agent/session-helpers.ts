/** Builds small OpenJD templates and runs them through a session on real child processes. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateJobTemplate, type JobTemplate } from "../../../lib/openjd/index.ts";
import { Cancellation } from "../../../lib/agent/cancellation.ts";
import { OpenJdSession } from "../../../lib/agent/openjd/session.ts";
import type { ActionHooks } from "../../../lib/agent/openjd/session-action.ts";

export const sh = (script: string, extra: Record<string, unknown> = {}) => ({ command: "bash", args: ["-c", script], ...extra });

/** An environment whose onEnter/onExit append `enter NAME` / `exit NAME` to the file `$TRACE`. */
export function tracedEnv(name: string, over: { enter?: string; exit?: string; variables?: Record<string, string> } = {}) {
  return {
    name,
    script: { actions: { onEnter: sh(over.enter ?? `echo "enter ${name}" >> "$TRACE"`), onExit: sh(over.exit ?? `echo "exit ${name}" >> "$TRACE"`) } },
    ...(over.variables ? { variables: over.variables } : {}),
  };
}

export function template(step: Record<string, unknown>, over: Record<string, unknown> = {}): JobTemplate {
  return validateJobTemplate({
    specificationVersion: "jobtemplate-2023-09", name: "session test",
    steps: [{ name: "render", ...step }], ...over,
  });
}

export interface Recorder extends ActionHooks {
  lines: string[];
  progressSeen: number[];
  statuses: string[];
}

export function recorder(): Recorder {
  const r: Recorder = {
    lines: [], progressSeen: [], statuses: [],
    log: (l) => r.lines.push(l), progress: (p) => r.progressSeen.push(p), status: (s) => r.statuses.push(s),
  };
  return r;
}

export interface Sandbox {
  dir: string;
  trace: string;
  traced(): string[];
  session(tpl: JobTemplate, parameters?: Record<string, string | number>): OpenJdSession;
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), "bf-session-"));
  const trace = join(dir, "trace.txt");
  return {
    dir, trace,
    traced: () => { try { return readFileSync(trace, "utf8").trim().split("\n").filter(Boolean); } catch { return []; } },
    session: (tpl, parameters = {}) => new OpenJdSession({ template: tpl, parameters, stepName: "render", root: dir, baseEnv: { ...process.env, TRACE: trace } }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export { Cancellation };
