import { describe, expect, it } from "vitest";
import { LpBuilder } from "../../../lib/planner/lp/solver.ts";

describe("LpBuilder", () => {
  it("closes a column over the entries staged before it, the same matrix as listing them", () => {
    const listed = new LpBuilder();
    const staged = new LpBuilder();
    for (const b of [listed, staged]) for (let r = 0; r < 3; r++) b.addRow(0, 1);
    listed.addCol(1, 0, 2, [2, 0, 1], [0.5, 0, -1]);
    listed.addCol(3, 0, 4, [1], [2]);
    staged.entry(2, 0.5).entry(0, 0).entry(1, -1);
    staged.addCol(1, 0, 2);
    staged.entry(1, 2);
    staged.addCol(3, 0, 4);
    expect(staged.build()).toEqual(listed.build());
  });

  it("builds the CSC matrix in typed arrays past its initial capacity, dropping zero coefficients", () => {
    const b = new LpBuilder();
    const R = 3000;
    for (let r = 0; r < R; r++) b.addRow(-r, r === 0 ? Infinity : r);
    const C = 9000;
    for (let j = 0; j < C; j++) b.addCol(j / 2, 0, j % 7 === 0 ? Infinity : j, [j % R, (j + 1) % R, (j + 2) % R], [1, j % 5 === 0 ? 0 : -2, 0.5]);
    const m = b.build();
    expect(m.numCols).toBe(C);
    expect(m.numRows).toBe(R);
    expect(m.colCost).toBeInstanceOf(Float64Array);
    expect(m.start).toBeInstanceOf(Int32Array);
    expect(m.rowLower.length).toBe(R);
    expect(m.rowUpper[0]).toBe(Infinity);
    expect(m.rowLower[2999]).toBe(-2999);
    expect(m.colCost.length).toBe(C);
    expect(m.colUpper[7]).toBe(Infinity);
    expect(m.colUpper[8]).toBe(8);
    expect(m.start.length).toBe(C + 1);
    const zeros = Math.ceil(C / 5);
    expect(m.index.length).toBe(3 * C - zeros);
    expect(m.start[C]).toBe(m.index.length);
    // Column 5 dropped its zero; column 6 kept all three entries.
    expect([...m.index.subarray(m.start[5]!, m.start[6]!)]).toEqual([5, 7]);
    expect([...m.value.subarray(m.start[5]!, m.start[6]!)]).toEqual([1, 0.5]);
    expect([...m.index.subarray(m.start[6]!, m.start[7]!)]).toEqual([6, 7, 8]);
    expect([...m.value.subarray(m.start[6]!, m.start[7]!)]).toEqual([1, -2, 0.5]);
    expect([...m.index.subarray(m.start[C - 1]!, m.start[C]!)]).toEqual([(C - 1) % R, C % R, (C + 1) % R]);
  });
});
