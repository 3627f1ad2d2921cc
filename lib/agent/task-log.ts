/**
 * A task's log: every line goes to a file under the work dir (uploaded whole to the output
 * store at the end); the last lines are kept in memory to send with each poll.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export class TaskLog {
  private tail: string[] = [];
  status: string | undefined;

  constructor(readonly file: string, private readonly tailLines = 20, private readonly now: () => number = Date.now) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, "");
  }

  line(text: string): void {
    const stamped = `${new Date(this.now()).toISOString()} ${text}`;
    appendFileSync(this.file, `${stamped}\n`);
    this.tail.push(text.length > 300 ? `${text.slice(0, 297)}...` : text);
    if (this.tail.length > this.tailLines) this.tail.shift();
  }

  /** The last lines, bounded to `maxChars` (the poll's message field). */
  lastLines(maxChars = 1500): string {
    let out = "";
    for (let i = this.tail.length - 1; i >= 0; i--) {
      const next = `${this.tail[i]}\n${out}`;
      if (next.length > maxChars) break;
      out = next;
    }
    return out.trimEnd();
  }

  contents(): Buffer {
    return readFileSync(this.file);
  }
}
