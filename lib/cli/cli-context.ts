/** What every command gets: where to write, and how to reach the API with the global options. */
import type { Command } from "commander";
import { connect, type Connection, type ConnectionOptions } from "./connection.ts";

export interface Io {
  out: NodeJS.WriteStream | { write(chunk: string): unknown; isTTY?: boolean };
  err: { write(chunk: string): unknown };
}

export interface CliContext {
  io: Io;
  connect(cmd: Command): Connection;
  /** Resolves after `ms` real milliseconds (tests shorten waits). */
  sleep(ms: number): Promise<void>;
}

export function cliContext(io: Io, env: NodeJS.ProcessEnv = process.env): CliContext {
  return {
    io,
    connect: (cmd) => connect(cmd.optsWithGlobals<ConnectionOptions>(), env),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}
