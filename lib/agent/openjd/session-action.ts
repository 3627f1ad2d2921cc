/**
 * Runs one OpenJD action (`onRun`, `onEnter`, `onExit`) in a session: format strings resolved,
 * its own process group, `timeout` and `cancelation` honoured (defaults: TERMINATE; notify
 * period 120 s for onRun, 30 s otherwise, at most 600), and the `openjd_*` stdout messages
 * turned into progress, status, a failure message and (onEnter) environment changes.
 */
import type { Cancellation } from "../cancellation.ts";
import { runAction, type CancelMethod } from "../run-action.ts";
import type { ProcessGroups } from "../process-tree.ts";
import { parseActionMessage, type ActionMessage } from "./messages.ts";

export interface ActionDef {
  command: string;
  args?: string[];
  timeout?: number;
  cancelation?: { mode: "TERMINATE" } | { mode: "NOTIFY_THEN_TERMINATE"; notifyPeriodInSeconds?: number };
}

export interface ActionHooks {
  log(line: string): void;
  /** 0..1 */
  progress(fraction: number): void;
  status(text: string): void;
}

export type ActionOutcome =
  | { ok: true; release?: () => void }
  | { ok: false; message: string; interrupted: boolean };

export interface ActionRunOptions {
  onRun: boolean;
  resolve(s: string): string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  hooks: ActionHooks;
  cancellation: Cancellation;
  onCancelNotice(notifyEnd: Date): Promise<void>;
  /** onEnter only: `openjd_env` / `openjd_unset_env` messages. */
  onEnv?(m: Extract<ActionMessage, { kind: "env" | "unset_env" }>): void;
  keepBackground?: boolean;
  /** The agent's process groups. */
  groups?: ProcessGroups;
}

export function cancelMethodOf(action: ActionDef, onRun: boolean): CancelMethod {
  const c = action.cancelation;
  if (!c || c.mode === "TERMINATE") return { mode: "TERMINATE" };
  return { mode: "NOTIFY_THEN_TERMINATE", notifyPeriodSec: Math.min(600, c.notifyPeriodInSeconds ?? (onRun ? 120 : 30)) };
}

export async function runOpenJdAction(action: ActionDef, o: ActionRunOptions): Promise<ActionOutcome> {
  const command = o.resolve(action.command);
  const args = (action.args ?? []).map(o.resolve);
  let failMessage: string | undefined;
  let invalid: string | undefined;
  o.hooks.log(`$ ${[command, ...args].join(" ")}`);
  const r = await runAction({
    command, args, cwd: o.cwd, env: o.env, cancellation: o.cancellation, cancelMethod: cancelMethodOf(action, o.onRun),
    ...(action.timeout !== undefined ? { timeoutSec: action.timeout } : {}),
    beforeNotify: o.onCancelNotice, keepBackground: o.keepBackground ?? false, ...(o.groups ? { groups: o.groups } : {}),
    onLine: (line) => {
      o.hooks.log(line);
      const m = parseActionMessage(line);
      if (!m) return;
      if (m.kind === "progress") o.hooks.progress(m.percent / 100);
      else if (m.kind === "status") o.hooks.status(m.text);
      else if (m.kind === "fail") failMessage = m.text;
      else if (m.kind === "invalid") invalid ??= m.problem;
      else if (o.onEnv) o.onEnv(m);
      else o.hooks.log(`ignored: openjd_${m.kind} is only honoured in an environment's onEnter`);
    },
  });
  // A failed action leaves nothing running behind it.
  if (r.ending !== "exited" || r.exitCode !== 0 || invalid) r.release();
  if (r.ending === "canceled") {
    return { ok: false, message: `canceled: ${o.cancellation.request?.reason ?? "cancel requested"}`, interrupted: o.cancellation.request?.interrupted ?? false };
  }
  if (r.ending === "timeout") return { ok: false, message: failMessage ?? `timed out after ${action.timeout} s`, interrupted: false };
  if (r.exitCode !== 0) return { ok: false, message: failMessage ?? `${command} exited with ${r.exitCode ?? r.signal}`, interrupted: false };
  if (invalid) return { ok: false, message: invalid, interrupted: false };
  return { ok: true, release: r.release };
}
