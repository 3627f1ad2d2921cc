import type { BuiltModel } from "./model.ts";
import type { Group } from "./groups.ts";
import type { SlotGrid } from "./slots.ts";

const EPS = 1e-6;

/** The solution read back per group, resource and client, in the units dispatch and bursting use. */
export interface LpReading {
  /** Per group: nodes of each on-prem resource (by resource index) to run it now (slot 0). */
  quotaOnprem: Map<number, number>[];
  /** Per group: held cloud nodes of each offer to run it now. */
  quotaCloud: Map<number, number>[];
  /** Per group: reference hours the LP could not fit before the deadline (horizon for best effort). */
  missH: number[];
  /** Per group: reference hours planned per slot, first and last slot with planned work (−1: none), rented node-hours. */
  plannedH: number[][];
  firstSlot: number[];
  lastSlot: number[];
  cloudH: number[];
  /** Per group: on-prem node-hours planned per resource (by index) and slot. */
  onpremH: Map<number, number[]>[];
  /** Per resource: slot-hours woken in slots 0–1. */
  wakeH: number[];
  /** Per `client|offer`: rented nodes wanted per slot. */
  rent: Map<string, number[]>;
  /** Per resource: the capacity row of slot 0 is binding (shadow price > 0). */
  fullNow: boolean[];
  /** Clients whose share cap binds now. */
  cappedNow: Set<string>;
  /** Clients whose cloud budget binds. */
  budgetBound: Set<string>;
}

export function readSolution(built: BuiltModel, groups: readonly Group[], resourceCount: number, grid: SlotGrid, x: Float64Array, dual: Float64Array): LpReading {
  const G = groups.length;
  const out: LpReading = {
    quotaOnprem: groups.map(() => new Map()),
    quotaCloud: groups.map(() => new Map()),
    missH: new Array(G).fill(0),
    plannedH: groups.map(() => new Array(grid.count).fill(0)),
    firstSlot: new Array(G).fill(-1),
    lastSlot: new Array(G).fill(-1),
    cloudH: new Array(G).fill(0),
    onpremH: groups.map(() => new Map()),
    wakeH: new Array(resourceCount).fill(0),
    rent: new Map(),
    fullNow: built.capRow.map((rows) => Math.abs(dual[rows[0]!] ?? 0) > EPS),
    cappedNow: new Set(),
    budgetBound: new Set(),
  };
  const h0 = grid.hours[0]!;
  const { g, r, t, speed } = built.cols;
  for (let j = 0; j < built.cols.length; j++) {
    const v = x[j]!;
    if (v <= EPS) continue;
    const c = { g: g[j]!, r: r[j]!, t: t[j]! };
    const kind = built.cols.kindAt(j);
    switch (kind) {
      case "x":
      case "y": {
        if (out.firstSlot[c.g]! < 0 || c.t < out.firstSlot[c.g]!) out.firstSlot[c.g] = c.t;
        if (c.t > out.lastSlot[c.g]!) out.lastSlot[c.g] = c.t;
        out.plannedH[c.g]![c.t]! += v * speed[j]!;
        if (kind === "y") out.cloudH[c.g]! += v;
        else {
          let arr = out.onpremH[c.g]!.get(c.r);
          if (!arr) out.onpremH[c.g]!.set(c.r, (arr = new Array(grid.count).fill(0)));
          arr[c.t]! += v;
        }
        if (c.t === 0) {
          const m = kind === "x" ? out.quotaOnprem[c.g]! : out.quotaCloud[c.g]!;
          m.set(c.r, (m.get(c.r) ?? 0) + v / h0);
        }
        break;
      }
      case "miss": out.missH[c.g] = Math.max(out.missH[c.g]!, v); break;
      case "done": case "unsched": case "start": case "late": break;
      case "wake": if (c.t <= 1) out.wakeH[c.r]! += v; break;
      case "rent": {
        const key = `${built.clients[c.g]!.id}|${c.r}`;
        let arr = out.rent.get(key);
        if (!arr) out.rent.set(key, (arr = new Array(grid.count).fill(0)));
        arr[c.t] = v;
        break;
      }
      case "short": break;
    }
  }
  for (const [client, rows] of built.shareRow) if (Math.abs(dual[rows[0]!] ?? 0) > EPS) out.cappedNow.add(client);
  for (const [client, row] of built.budgetRow) if (Math.abs(dual[row] ?? 0) > EPS) out.budgetBound.add(client);
  return out;
}
