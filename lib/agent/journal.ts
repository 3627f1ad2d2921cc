/**
 * The offline journal: every terminal task report is appended (and fsync'd) to a file under
 * the work dir before it is first sent, and marked acknowledged once the server answers
 * accepted, duplicate or stale. Unacknowledged reports are sent again with every poll, in the
 * order they happened, until acknowledged — across network outages and agent restarts. The
 * server's settlement is idempotent (a repeat is `duplicate`), so replaying is always safe.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { FrameOutput } from "../service/monitor/task-outputs.ts";

export interface TerminalReport {
  taskId: string;
  token: string;
  state: "succeeded" | "failed" | "interrupted";
  startedAt?: number;
  endedAt: number;
  message?: string;
  /** A success's latest frames (keys and thumbnails in the output store). */
  outputs?: FrameOutput[];
}

type Line = { report: TerminalReport } | { ack: string };

export class Journal {
  private readonly open = new Map<string, TerminalReport>();

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    if (!existsSync(file)) return;
    for (const text of readFileSync(file, "utf8").split("\n")) {
      let line: Line;
      try { line = JSON.parse(text) as Line; } catch { continue; } // a torn last line from a crash
      if ("report" in line) this.open.set(line.report.token, line.report);
      else this.open.delete(line.ack);
    }
    this.rewrite();
  }

  /** Reports not yet acknowledged, oldest first. */
  pending(): TerminalReport[] {
    return [...this.open.values()];
  }

  record(report: TerminalReport): void {
    this.open.set(report.token, report);
    this.append({ report });
  }

  ack(token: string): void {
    if (!this.open.delete(token)) return;
    if (this.open.size === 0) this.rewrite();
    else this.append({ ack: token });
  }

  private append(line: Line): void {
    const fd = openSync(this.file, "a");
    try {
      appendFileSync(fd, `${JSON.stringify(line)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Compacts the file to the open reports. */
  private rewrite(): void {
    writeFileSync(this.file, this.pending().map((report) => `${JSON.stringify({ report })}\n`).join(""));
  }
}
