/**
 * Live progress in the terminal (cli-progress): a bar per job with frames done/total, its
 * projected finish against its deadline, and why it waits; optional lines above the bars (the
 * farm's nodes and costs). On a terminal the bars redraw in place; elsewhere (a pipe, a CI log)
 * one snapshot is printed per change, never escape codes.
 */
import cliProgress from "cli-progress";
import { when } from "./format.ts";

/** The fields of GET /jobs/{id} the view reads. */
export interface JobSnapshot {
  id: string;
  name: string;
  clientId: string;
  status: string;
  deadline: string | null;
  progress: { tasks: number; done: number; running: number; failed: number };
  outlook: { projectedFinish: string | null; meetsDeadline: boolean | null; atRisk: boolean };
  why: { outcome: string; reason: string } | null;
}

export function outlookText(j: JobSnapshot): string {
  if (j.status === "done") return `done ${j.deadline ? (j.outlook.meetsDeadline === false ? "LATE" : "on time") : ""}`.trim();
  if (j.status === "failed" || j.status === "canceled") return j.status;
  const due = j.deadline ? `due ${when(j.deadline).slice(11)}` : "no deadline";
  const eta = j.outlook.projectedFinish ? `eta ${when(j.outlook.projectedFinish).slice(11)}` : "eta —";
  return `${eta} ${due}${j.outlook.atRisk ? " ⚠ at risk" : ""}`;
}

/** The planner's sentence for a job that is not simply rendering. */
export function whyText(j: JobSnapshot, width = 70): string {
  if (!j.why || j.status === "done" || j.status === "canceled") return "";
  const s = `${j.why.outcome}: ${j.why.reason.replace(new RegExp(`^${j.why.outcome}: `), "")}`;
  return s.length > width ? `${s.slice(0, width - 1)}…` : s;
}

export class ProgressView {
  private readonly tty: boolean;
  private readonly multibar: cliProgress.MultiBar | undefined;
  private readonly lines: cliProgress.SingleBar[] = [];
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private lastPlain = "";

  constructor(private readonly stream: NodeJS.WriteStream, headerLines = 0) {
    this.tty = Boolean(stream.isTTY);
    if (this.tty) {
      this.multibar = new cliProgress.MultiBar({
        stream, hideCursor: true, clearOnComplete: false, autopadding: true, barsize: 24, fps: 5,
        format: "{name} {bar} {value}/{total} {outlook}  {why}",
      }, cliProgress.Presets.shades_classic);
      for (let i = 0; i < headerLines; i++) this.lines.push(this.multibar.create(1, 0, { text: "" }, { format: "{text}" }));
    }
  }

  update(jobs: readonly JobSnapshot[], header: readonly string[] = []): void {
    if (!this.multibar) return this.plain(jobs, header);
    header.forEach((text, i) => this.lines[i]?.update(0, { text }));
    const width = Math.max(12, ...jobs.map((j) => j.name.length));
    for (const j of jobs) {
      const payload = { name: j.name.padEnd(width).slice(0, 40), outlook: outlookText(j), why: whyText(j) };
      const bar = this.bars.get(j.id);
      if (bar) { bar.setTotal(j.progress.tasks); bar.update(j.progress.done, payload); }
      else this.bars.set(j.id, this.multibar.create(j.progress.tasks, j.progress.done, payload));
    }
  }

  stop(): void {
    this.multibar?.stop();
  }

  private plain(jobs: readonly JobSnapshot[], header: readonly string[]): void {
    const text = [...header, ...jobs.map((j) => `  ${j.name}: ${j.progress.done}/${j.progress.tasks} ${outlookText(j)}  ${whyText(j)}`)].join("\n");
    const key = text.replace(/\d\d:\d\d(:\d\d)?Z?/g, "");
    if (key === this.lastPlain) return;
    this.lastPlain = key;
    this.stream.write(text + "\n");
  }
}
