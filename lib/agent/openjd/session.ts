/**
 * One OpenJD session on this node (How-Jobs-Are-Run "Sessions"): a private working directory,
 * the job's then the step's environments entered in order, tasks of the step run in it, and
 * every environment entered *or attempted* exited in reverse order — after success, failure or
 * cancel alike. Any failure or cancel is terminal for the session.
 *
 * Environment variables (2023-09 §4): an environment's `variables` are set before its onEnter
 * and onExit and for every action while it is active; `openjd_env:` / `openjd_unset_env:`
 * printed by its onEnter add to them (unset wins within one environment).
 */
import { randomUUID } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { JobTemplate, ParamValues, TaskParams } from "../../openjd/index.ts";
import { Cancellation } from "../cancellation.ts";
import { embeddedPaths, writeEmbeddedFiles, type EmbeddedFile } from "./embedded-files.ts";
import type { ProcessGroups } from "../process-tree.ts";
import { runOpenJdAction, type ActionDef, type ActionHooks, type ActionOutcome } from "./session-action.ts";
import { makeLookup, resolveWith, type Scope } from "./session-values.ts";

interface EnvironmentDef {
  name: string;
  script?: { actions: { onEnter?: ActionDef; onExit?: ActionDef }; embeddedFiles?: EmbeddedFile[] };
  variables?: Record<string, string>;
}

interface ActiveEnvironment {
  def: EnvironmentDef;
  files: Map<string, string>;
  variables: Map<string, string>;
  set: Map<string, string>;
  unset: Set<string>;
  /** Kills what its onEnter left running (a daemon), after its onExit. */
  release?: () => void;
}

export interface SessionOptions {
  template: JobTemplate;
  parameters: ParamValues;
  stepName: string;
  /** Sessions' working directories are made under this directory. */
  root: string;
  baseEnv?: NodeJS.ProcessEnv;
  /** The agent's process groups (its stop kills them, and only them). */
  groups?: ProcessGroups;
}

export class OpenJdSession {
  readonly workingDirectory: string;
  readonly pathMappingRulesFile: string;
  private readonly active: ActiveEnvironment[] = [];
  state: "new" | "ready" | "ended" = "new";

  constructor(private readonly o: SessionOptions) {
    this.workingDirectory = join(o.root, `session-${randomUUID()}`);
    this.pathMappingRulesFile = join(this.workingDirectory, "path-mapping.json");
  }

  get stepName(): string {
    return this.o.stepName;
  }

  /** Creates the working directory and enters job then step environments. */
  async open(hooks: ActionHooks, cancellation: Cancellation): Promise<ActionOutcome> {
    await mkdir(this.workingDirectory, { recursive: true, mode: 0o700 });
    // No path mapping rules in this farm: the file exists and says so.
    await writeFile(this.pathMappingRulesFile, JSON.stringify({ version: "pathmapping-1.0", path_mapping_rules: [] }));
    const step = this.step();
    const envs = [...(this.o.template.jobEnvironments ?? []), ...(step.stepEnvironments ?? [])] as unknown as EnvironmentDef[];
    for (const def of envs) {
      const outcome = await this.enter(def, hooks, cancellation);
      if (!outcome.ok) return outcome;
    }
    this.state = "ready";
    return { ok: true };
  }

  async runTask(task: TaskParams, hooks: ActionHooks, cancellation: Cancellation): Promise<ActionOutcome> {
    if (this.state !== "ready") return { ok: false, message: "session is not open", interrupted: false };
    const script = this.step().script as { actions: { onRun: ActionDef }; embeddedFiles?: EmbeddedFile[] };
    const files = embeddedPaths(script.embeddedFiles ?? [], this.workingDirectory);
    const resolve = resolveWith(makeLookup(this.scope({ task, taskFiles: files })));
    await writeEmbeddedFiles(script.embeddedFiles ?? [], files, resolve);
    const outcome = await runOpenJdAction(script.actions.onRun, { onRun: true, resolve, cwd: this.workingDirectory, env: this.environ(), hooks, cancellation, onCancelNotice: (end) => this.writeCancelInfo(end), ...this.groups() });
    // Failures and cancels end the session (the caller closes it).
    if (!outcome.ok) this.state = "ended";
    return outcome;
  }

  /** Exits every environment entered or attempted, in reverse, then removes the working directory. */
  async close(hooks: ActionHooks, cancellation = new Cancellation()): Promise<ActionOutcome> {
    this.state = "ended";
    let first: ActionOutcome = { ok: true };
    while (this.active.length > 0) {
      const env = this.active[this.active.length - 1]!;
      const onExit = env.def.script?.actions.onExit;
      if (onExit) {
        hooks.log(`exiting environment ${env.def.name}`);
        const resolve = resolveWith(makeLookup(this.scope({ envFiles: env.files })));
        await writeEmbeddedFiles(env.def.script?.embeddedFiles ?? [], env.files, resolve);
        const r = await runOpenJdAction(onExit, { onRun: false, resolve, cwd: this.workingDirectory, env: this.environ(), hooks, cancellation, onCancelNotice: (end) => this.writeCancelInfo(end), keepBackground: false, ...this.groups() });
        if (!r.ok && first.ok) first = r;
      }
      env.release?.();
      this.active.pop();
    }
    await rm(this.workingDirectory, { recursive: true, force: true });
    return first;
  }

  private groups(): { groups?: ProcessGroups } {
    return this.o.groups ? { groups: this.o.groups } : {};
  }

  private async enter(def: EnvironmentDef, hooks: ActionHooks, cancellation: Cancellation): Promise<ActionOutcome> {
    const files = embeddedPaths(def.script?.embeddedFiles ?? [], this.workingDirectory);
    const env: ActiveEnvironment = { def, files, variables: new Map(), set: new Map(), unset: new Set() };
    // Attempted counts as entered: its onExit runs even if its onEnter fails.
    this.active.push(env);
    const resolve = resolveWith(makeLookup(this.scope({ envFiles: files })));
    for (const [k, v] of Object.entries(def.variables ?? {})) env.variables.set(k, resolve(v));
    const onEnter = def.script?.actions.onEnter;
    if (!onEnter) return { ok: true };
    hooks.log(`entering environment ${def.name}`);
    await writeEmbeddedFiles(def.script?.embeddedFiles ?? [], files, resolve);
    const outcome = await runOpenJdAction(onEnter, {
      onRun: false, resolve, cwd: this.workingDirectory, env: this.environ(), hooks, cancellation, keepBackground: true, ...this.groups(),
      onCancelNotice: (end) => this.writeCancelInfo(end),
      onEnv: (m) => {
        if (m.kind === "env") env.set.set(m.name, m.value);
        else env.unset.add(m.name);
      },
    });
    if (outcome.ok) env.release = outcome.release;
    return outcome;
  }

  private environ(): NodeJS.ProcessEnv {
    const out: NodeJS.ProcessEnv = { ...(this.o.baseEnv ?? process.env) };
    for (const env of this.active) {
      for (const [k, v] of env.variables) out[k] = v;
      for (const [k, v] of env.set) out[k] = v;
      for (const k of env.unset) delete out[k];
    }
    return out;
  }

  private scope(extra: Partial<Scope>): Scope {
    const pathParams = new Set((this.o.template.parameterDefinitions ?? []).filter((d) => d.type === "PATH").map((d) => d.name));
    return { parameters: this.o.parameters, workingDirectory: this.workingDirectory, pathMappingRulesFile: this.pathMappingRulesFile, pathParams, ...extra };
  }

  private step() {
    const step = this.o.template.steps.find((s) => s.name === this.o.stepName);
    if (!step) throw new Error(`the template has no step "${this.o.stepName}"`);
    return step;
  }

  private async writeCancelInfo(notifyEnd: Date): Promise<void> {
    const text = `${notifyEnd.toISOString().slice(0, 19)}Z`;
    // Renamed into place: the task may read it at any moment.
    const file = join(this.workingDirectory, "cancel_info.json");
    await writeFile(`${file}.tmp`, JSON.stringify({ NotifyEnd: text })).then(() => rename(`${file}.tmp`, file)).catch(() => {});
  }
}
