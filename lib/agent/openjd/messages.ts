/**
 * The stdout/stderr lines an action may print to talk to the runtime (How-Jobs-Are-Run
 * "Stdout/Stderr Messages"): progress (0–100), status, fail message, and — from an
 * environment's onEnter only — env / unset_env for later actions of the session.
 */
export type ActionMessage =
  | { kind: "progress"; percent: number }
  | { kind: "status"; text: string }
  | { kind: "fail"; text: string }
  | { kind: "env"; name: string; value: string }
  | { kind: "unset_env"; name: string }
  | { kind: "invalid"; problem: string };

const LINE = /^openjd_(progress|status|fail|env|unset_env): ?(.*)$/;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The message a line carries, or undefined for an ordinary log line. */
export function parseActionMessage(line: string): ActionMessage | undefined {
  const m = LINE.exec(line.trimEnd());
  if (!m) return undefined;
  const value = m[2] ?? "";
  switch (m[1]) {
    case "progress": {
      const percent = Number(value.trim());
      return Number.isFinite(percent) && value.trim() !== "" ? { kind: "progress", percent: Math.min(100, Math.max(0, percent)) } : { kind: "invalid", problem: `openjd_progress: "${value}" is not a number` };
    }
    case "status": return { kind: "status", text: value };
    case "fail": return { kind: "fail", text: value };
    case "env": {
      const eq = value.indexOf("=");
      const name = eq < 0 ? value.trim() : value.slice(0, eq).trim();
      if (eq < 0 || !VAR_NAME.test(name)) return { kind: "invalid", problem: `openjd_env: expected NAME=value, got "${value}"` };
      return { kind: "env", name, value: value.slice(eq + 1) };
    }
    default: {
      const name = value.trim();
      return VAR_NAME.test(name) ? { kind: "unset_env", name } : { kind: "invalid", problem: `openjd_unset_env: "${value}" is not a variable name` };
    }
  }
}
