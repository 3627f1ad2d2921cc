/**
 * Where a local farm keeps its state, all under `.burstfarm/` in the project (git-ignored):
 *   db/           dynalite's data (jobs, nodes, clients, plans, audit, usage): survives restarts
 *   outputs/      rendered frames, `<job>/<step>/…png`, previews first
 *   local.json    what the CLI reads: {apiUrl, monitorUrl?, tokens{operator, <clientId>…}, registrationSecret?}
 *   state.json    the farm clock (simulated instant and speed) so a restart resumes in time
 *   farm.log      errors of the in-process handlers and agents
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TokenKeys } from "../service/index.ts";

export interface LocalConfig {
  apiUrl: string;
  monitorUrl?: string;
  /** Where agents connect (`burstfarm agent --api …`): the API with times converted to real time. */
  agentApiUrl?: string;
  tokens: Record<string, string> & { operator: string };
  registrationSecret?: string;
}

export interface FarmState {
  /** The farm clock's instant when it last stopped (epoch ms). */
  clockAt: number;
  speed: number;
  /** The keys that sign node tokens (BURSTFARM_AGENT_TOKEN_KEYS), so tokens survive a restart. */
  tokenKeys: TokenKeys;
  /** How many times this farm has started (names the simulated cloud's instances). */
  starts: number;
  /** Registration secrets the farm issued for its own nodes, by node id. */
  nodeSecrets: Record<string, string>;
}

export class LocalFiles {
  readonly dir: string;
  constructor(dir = defaultDir()) {
    this.dir = resolve(dir);
  }
  get dbDir(): string { return join(this.dir, "db"); }
  get outputsDir(): string { return join(this.dir, "outputs"); }
  get configPath(): string { return join(this.dir, "local.json"); }
  get statePath(): string { return join(this.dir, "state.json"); }
  get logPath(): string { return join(this.dir, "farm.log"); }

  /** `--fresh`: forget the farm (data, outputs, tokens, clock). */
  wipe(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  ensure(): void {
    mkdirSync(this.outputsDir, { recursive: true });
  }

  readConfig(): LocalConfig | undefined {
    return readJson<LocalConfig>(this.configPath);
  }

  writeConfig(c: LocalConfig): void {
    writeJson(this.configPath, c);
  }

  readState(): FarmState | undefined {
    return readJson<FarmState>(this.statePath);
  }

  writeState(s: FarmState): void {
    writeJson(this.statePath, s);
  }
}

export function defaultDir(): string {
  return process.env.BURSTFARM_HOME ?? join(process.cwd(), ".burstfarm");
}

/** A bearer token: 24 random bytes, URL-safe (the API wants ≥ 16 characters). */
export const newToken = (prefix: string): string => `${prefix}-${randomBytes(24).toString("base64url")}`;

function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/**
 * Atomic: written beside the target, then renamed over it, so a farm killed mid-write (a second
 * Ctrl-C, a crash) leaves the previous file or the new one — never a torn one the next start cannot parse.
 */
function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, path);
}
