/**
 * Small inline-SVG charts (no library, so the report stays one self-contained file): step
 * line charts with an optional right-hand axis, and a per-job timeline with deadlines.
 */
export const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

export interface Line {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
  /** Plot against the right-hand axis. */
  right?: boolean;
}

export interface LineChartSpec {
  title: string;
  lines: Line[];
  x0: number;
  x1: number;
  yLabel: string;
  rightLabel?: string;
  width?: number;
  height?: number;
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(2);
}

/** x values are epoch ms; the axis shows hours from x0. */
export function lineChart(spec: LineChartSpec): string {
  const W = spec.width ?? 900, H = spec.height ?? 260, L = 60, R = spec.rightLabel ? 60 : 20, T = 30, B = 36;
  const pw = W - L - R, ph = H - T - B;
  const yMax = niceMax(Math.max(0, ...spec.lines.filter((l) => !l.right).flatMap((l) => l.points.map((p) => p[1]))));
  const rMax = niceMax(Math.max(0, ...spec.lines.filter((l) => l.right).flatMap((l) => l.points.map((p) => p[1]))));
  const span = Math.max(1, spec.x1 - spec.x0);
  const X = (x: number) => L + ((x - spec.x0) / span) * pw;
  const Y = (y: number, right = false) => T + ph - (y / (right ? rMax : yMax)) * ph;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" class="chart" role="img" aria-label="${esc(spec.title)}">`];
  out.push(`<text x="${L}" y="18" class="title">${esc(spec.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const y = T + (ph * i) / 4;
    out.push(`<line x1="${L}" y1="${y}" x2="${L + pw}" y2="${y}" class="grid"/>`);
    out.push(`<text x="${L - 6}" y="${y + 4}" text-anchor="end" class="tick">${fmt(yMax * (1 - i / 4))}</text>`);
    if (spec.rightLabel) out.push(`<text x="${L + pw + 6}" y="${y + 4}" class="tick">${fmt(rMax * (1 - i / 4))}</text>`);
  }
  const hours = span / 3600_000;
  const step = [1, 2, 3, 6, 12, 24, 48].find((s) => hours / s <= 12) ?? 96;
  for (let h = 0; h <= hours + 1e-9; h += step) {
    const x = X(spec.x0 + h * 3600_000);
    out.push(`<line x1="${x}" y1="${T + ph}" x2="${x}" y2="${T + ph + 4}" class="axis"/><text x="${x}" y="${T + ph + 16}" text-anchor="middle" class="tick">${h}h</text>`);
  }
  out.push(`<text x="14" y="${T + ph / 2}" transform="rotate(-90 14 ${T + ph / 2})" text-anchor="middle" class="label">${esc(spec.yLabel)}</text>`);
  if (spec.rightLabel) out.push(`<text x="${W - 10}" y="${T + ph / 2}" transform="rotate(90 ${W - 10} ${T + ph / 2})" text-anchor="middle" class="label">${esc(spec.rightLabel)}</text>`);
  out.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" class="frame"/>`);
  for (const l of spec.lines) {
    if (l.points.length === 0) continue;
    let d = "";
    l.points.forEach(([x, y], i) => {
      const px = X(x).toFixed(1), py = Y(y, l.right).toFixed(1);
      d += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
    });
    out.push(`<path d="${d}" fill="none" stroke="${l.color}" stroke-width="1.6"${l.dashed ? ' stroke-dasharray="5,3"' : ""}><title>${esc(l.name)}</title></path>`);
  }
  let lx = L;
  for (const l of spec.lines) {
    out.push(`<rect x="${lx}" y="${H - 12}" width="10" height="3" fill="${l.color}"/><text x="${lx + 14}" y="${H - 8}" class="legend">${esc(l.name)}</text>`);
    lx += 22 + l.name.length * 6.2;
  }
  out.push("</svg>");
  return out.join("");
}

export interface TimelineJob {
  id: string;
  submittedAt: number;
  firstStartAt: number | null;
  finishedAt: number | null;
  deadlineAt: number | null;
  originalDeadlineAt?: number | null;
  late: boolean;
}

/** One row per job: waiting (light), running until finish (solid, red when late), deadline tick (grey: before an edit). */
export function timeline(title: string, jobs: TimelineJob[], x0: number, x1: number, width = 900): string {
  const rowH = jobs.length > 60 ? 8 : 14, pad = rowH >= 10 ? 2 : 1, L = 90, R = 20, T = 30, B = 24;
  const H = T + B + jobs.length * rowH, pw = width - L - R, span = Math.max(1, x1 - x0);
  const X = (x: number) => L + (Math.min(Math.max(x, x0), x1) - x0) / span * pw;
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" class="chart" role="img" aria-label="${esc(title)}">`];
  out.push(`<text x="${L}" y="18" class="title">${esc(title)}</text>`);
  const hours = span / 3600_000;
  const step = [1, 2, 3, 6, 12, 24, 48].find((s) => hours / s <= 12) ?? 96;
  for (let h = 0; h <= hours + 1e-9; h += step) {
    const x = X(x0 + h * 3600_000);
    out.push(`<line x1="${x}" y1="${T}" x2="${x}" y2="${H - B}" class="grid"/><text x="${x}" y="${H - 8}" text-anchor="middle" class="tick">${h}h</text>`);
  }
  jobs.forEach((j, i) => {
    const y = T + i * rowH;
    const end = j.finishedAt ?? x1;
    const start = j.firstStartAt ?? end;
    if (rowH >= 10) out.push(`<text x="${L - 6}" y="${y + rowH - 3}" text-anchor="end" class="tick">${esc(j.id)}</text>`);
    out.push(`<rect x="${X(j.submittedAt)}" y="${y + pad}" width="${Math.max(0, X(start) - X(j.submittedAt))}" height="${rowH - 2 * pad}" class="wait"/>`);
    out.push(`<rect x="${X(start)}" y="${y + pad}" width="${Math.max(1, X(end) - X(start))}" height="${rowH - 2 * pad}" class="${j.late ? "late" : "run"}"><title>${esc(j.id)}${j.late ? " (late)" : ""}</title></rect>`);
    if (j.originalDeadlineAt != null) out.push(`<line x1="${X(j.originalDeadlineAt)}" y1="${y}" x2="${X(j.originalDeadlineAt)}" y2="${y + rowH}" class="moved"><title>deadline before the edit</title></line>`);
    if (j.deadlineAt !== null) out.push(`<line x1="${X(j.deadlineAt)}" y1="${y}" x2="${X(j.deadlineAt)}" y2="${y + rowH}" class="deadline"/>`);
  });
  out.push("</svg>");
  return out.join("");
}
