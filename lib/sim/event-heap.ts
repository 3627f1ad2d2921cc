/**
 * Binary min-heap of simulator events ordered by (time, rank, insertion). `rank` lets
 * state changes at an instant land before the plan that should see them.
 */
export interface Keyed {
  at: number;
  rank: number;
}

export class EventHeap<E extends Keyed> {
  private items: { e: E; seq: number }[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(e: E): void {
    this.items.push({ e, seq: this.seq++ });
    this.up(this.items.length - 1);
  }

  peek(): E | undefined {
    return this.items[0]?.e;
  }

  pop(): E | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (top && last && this.items.length > 0) {
      this.items[0] = last;
      this.down(0);
    }
    return top?.e;
  }

  private less(i: number, j: number): boolean {
    const a = this.items[i]!;
    const b = this.items[j]!;
    if (a.e.at !== b.e.at) return a.e.at < b.e.at;
    if (a.e.rank !== b.e.rank) return a.e.rank < b.e.rank;
    return a.seq < b.seq;
  }

  private swap(i: number, j: number): void {
    const t = this.items[i]!;
    this.items[i] = this.items[j]!;
    this.items[j] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
