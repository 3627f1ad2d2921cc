/** The LP's columns and what each means (model.ts builds them, read.ts reads the solution back through them). */
export type ColKind = "x" | "y" | "done" | "miss" | "late" | "unsched" | "wake" | "rent" | "start" | "short";

/** What each column means, for reading the solution back. */
export interface ColInfo {
  kind: ColKind;
  /** Group (x, y, done, miss, late, unsched), client index (rent, short). */
  g: number;
  /** Resource (x, wake), cloud offer (y, rent). */
  r: number;
  t: number;
  /** Reference hours per unit of the column (x, y: the speed). */
  speed: number;
}

/**
 * The columns' meanings, one array per field: ~17k columns per cycle at 100,000 tasks, all alive
 * until the solution is read, so an object each was mostly old-space garbage (V8 tenures such
 * long-lived allocation sites), read once and collected by a major GC inside a later decision.
 */
export class ColTable {
  /** Typed arrays grown by doubling (the filled part through the getters): no boxed numbers nor old-space arrays for the GC to mark. */
  private kinds = new Uint8Array(4096);
  private gs = new Int32Array(4096);
  private rs = new Int32Array(4096);
  private ts = new Int32Array(4096);
  private speeds = new Float64Array(4096);
  private count = 0;

  get length(): number { return this.count; }
  /** Column j's kind (stored as its index in KINDS: a byte per column, not an array of ~17k strings grown twice an event). */
  kindAt(j: number): ColKind { return KINDS[this.kinds[j]!]!; }
  /** Column j's kind as its code (0 … KINDS.length − 1), for keys (lp-keys.ts). */
  kindCodeAt(j: number): number { return this.kinds[j]!; }
  get g(): Int32Array { return this.gs.subarray(0, this.length); }
  get r(): Int32Array { return this.rs.subarray(0, this.length); }
  get t(): Int32Array { return this.ts.subarray(0, this.length); }
  get speed(): Float64Array { return this.speeds.subarray(0, this.length); }

  push(kind: ColKind, g: number, r: number, t: number, speed: number): void {
    const j = this.count++;
    if (j === this.speeds.length) {
      this.kinds = grown(this.kinds, new Uint8Array(2 * j));
      this.gs = grown(this.gs, new Int32Array(2 * j));
      this.rs = grown(this.rs, new Int32Array(2 * j));
      this.ts = grown(this.ts, new Int32Array(2 * j));
      this.speeds = grown(this.speeds, new Float64Array(2 * j));
    }
    this.kinds[j] = KIND_CODE[kind];
    this.gs[j] = g;
    this.rs[j] = r;
    this.ts[j] = t;
    this.speeds[j] = speed;
  }

  /** Column j as a record (tests and tools; hot loops read the arrays). */
  at(j: number): ColInfo {
    return { kind: this.kindAt(j), g: this.gs[j]!, r: this.rs[j]!, t: this.ts[j]!, speed: this.speeds[j]! };
  }
}

/** Every column kind, by the code ColTable stores. */
const KINDS: readonly ColKind[] = ["x", "y", "done", "miss", "late", "unsched", "wake", "rent", "start", "short"];
const KIND_CODE = Object.fromEntries(KINDS.map((k, i) => [k, i])) as Record<ColKind, number>;

function grown<A extends Uint8Array | Int32Array | Float64Array>(from: A, to: A): A {
  to.set(from);
  return to;
}
