/**
 * Which API the CLI talks to, and as whom. First match wins:
 *   1. `--api URL` with `--token T` (or BURSTFARM_TOKEN)            any burstfarm API, e.g. a `cdk deploy`
 *   2. BURSTFARM_API_URL + BURSTFARM_TOKEN
 *   3. a config file {apiUrl, token}: `--config FILE`, BURSTFARM_CONFIG, or ~/.config/burstfarm/config.json
 *   4. the local farm's `.burstfarm/local.json` (written by `burstfarm start`), as `--as` (default operator)
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ApiClient } from "../http/client/api-client.ts";
import { LocalFiles } from "../local/local-files.ts";
import { CliError, exitCodes } from "./exit-codes.ts";

export interface ConnectionOptions {
  api?: string;
  token?: string;
  config?: string;
  as?: string;
}

export interface Connection {
  api: ApiClient;
  /** Where the settings came from, for error messages. */
  source: string;
  /** The principal's kind as far as the CLI knows it (local farm only). */
  role?: "operator" | "client";
  clientId?: string;
}

export function connect(o: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): Connection {
  const token = o.token ?? env.BURSTFARM_TOKEN;
  if (o.api) {
    if (!token) throw new CliError("--api needs a token: --token T or BURSTFARM_TOKEN", exitCodes.usage);
    return { api: new ApiClient(o.api, token), source: "--api" };
  }
  if (env.BURSTFARM_API_URL) {
    if (!token) throw new CliError("BURSTFARM_API_URL needs BURSTFARM_TOKEN (or --token)", exitCodes.usage);
    return { api: new ApiClient(env.BURSTFARM_API_URL, token), source: "BURSTFARM_API_URL" };
  }
  const configPath = o.config ?? env.BURSTFARM_CONFIG ?? join(homedir(), ".config", "burstfarm", "config.json");
  if (o.config || env.BURSTFARM_CONFIG || existsSync(configPath)) {
    if (!existsSync(configPath)) throw new CliError(`config file ${configPath} does not exist`, exitCodes.usage);
    const c = JSON.parse(readFileSync(configPath, "utf8")) as { apiUrl?: string; token?: string };
    if (!c.apiUrl || !(token ?? c.token)) throw new CliError(`${configPath}: needs "apiUrl" and "token"`, exitCodes.usage);
    return { api: new ApiClient(c.apiUrl, (token ?? c.token)!), source: configPath };
  }
  const files = new LocalFiles();
  const local = files.readConfig();
  if (!local) {
    throw new CliError(`no API to talk to: start a local farm with \`npm start\` (it writes ${files.configPath}), or give --api URL --token T`, exitCodes.failure);
  }
  const who = o.as ?? "operator";
  const t = token ?? local.tokens[who];
  if (!t) throw new CliError(`--as ${who}: ${files.configPath} has tokens for ${Object.keys(local.tokens).join(", ")}`, exitCodes.usage);
  return {
    api: new ApiClient(local.apiUrl, t), source: files.configPath,
    ...(who === "operator" ? { role: "operator" as const } : { role: "client" as const, clientId: who }),
  };
}
