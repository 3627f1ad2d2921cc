import { describe, expect, it } from "vitest";
import { targetRows, type MetricsRow } from "../../../lib/sim/index.ts";

function row(policy: string, over: Partial<MetricsRow> = {}): MetricsRow {
  return {
    scenario: "s", policy, jobs: 2, cloud_allowed_jobs: 0, misses: 0, unavoidable_misses: 0, avoidable_misses: 0, failed_jobs: 0,
    utilization: 1, wc_violation_node_min: 0, energy_kwh: 1, energy_cost: 10, energy_cost_lb: 5, energy_lb_exact: true, energy_cost_lp_ub: 5, energy_cost_lb_guarantees: 6,
    energy_total_cost: 12, cloud_node_hours: 0, cloud_cost: 0, cloud_cost_lb: 0, cloud_cost_lb_guarantees: 0, preview_latency_pct: 5, first_frame_min: 10, guarantee_violation_min: 0, guarantee_short_lb_node_h: 0,
    throughput_ref_hours_per_hour: 1, makespan_hours: 1, idle_gap_mean_sec: 0, idle_gap_p95_sec: 0, spot_interruptions: 0, unused_rentals: 0, crashes: 0,
    task_errors: 0, rejected_assignments: 0, plans: 1, ...over,
  };
}

describe("targets", () => {
  it("passes a run that meets every target and says why", () => {
    const [t] = targetRows([
      row("burstfarm", { energy_cost: 8, misses: 1, specialization_gain_pct: 30, cloud_cost: 11, cloud_cost_lb: 10, cloud_allowed_jobs: 0 }),
      row("burstfarm-no-tariff"), row("edf", { misses: 2 }),
    ]);
    expect(t).toMatchObject({
      misses: "ok 1 vs EDF 2 (local only)", guarantees: "ok 0.0 client-min below", preview: "ok 5.0% of window", specialization: "ok +30.0%",
      cloud: "ok 1.10× bound (11.00 / 10.00)",
    });
    expect(t!.energy).toBe("SHORT 50.0% of room, 20.0% saved of ≤40.0% possible keeping guarantees (≤50.0% ignoring them)");
    const near = targetRows([row("burstfarm", { energy_cost: 6.5 }), row("burstfarm-no-tariff")])[0]!;
    expect(near.energy).toBe("ok 87.5% of room, 35.0% saved of ≤40.0% possible keeping guarantees (≤50.0% ignoring them)");
    // The larger bound judges: a guarantee-keeping bound below the plain one (a cheaper LP optimum) never widens the room.
    const lower = targetRows([row("burstfarm", { energy_cost: 6.5, energy_cost_lb_guarantees: 4 }), row("burstfarm-no-tariff")])[0]!;
    expect(lower.energy).toBe("SHORT 70.0% of room, 35.0% saved of ≤50.0% possible keeping guarantees (≤50.0% ignoring them)");
    const none = targetRows([row("burstfarm", { energy_cost_lb: 10, energy_cost_lb_guarantees: 10 }), row("burstfarm-no-tariff")])[0]!;
    expect(none.energy).toBe("ok no room: 0.0% saved of ≤0.0% possible keeping guarantees (≤0.0% ignoring them)");
  });

  it("reports shortfalls with their numbers", () => {
    const [t] = targetRows([
      row("burstfarm", { cloud_allowed_jobs: 2, misses: 2, avoidable_misses: 1, guarantee_violation_min: 3, cloud_cost: 5, preview_latency_pct: 40, specialization_gain_pct: 4 }),
      row("burstfarm-no-tariff"),
    ]);
    expect(t).toMatchObject({
      misses: "SHORT 1 avoidable (cloud allowed)", guarantees: "SHORT 3.0 client-min below", cloud: "SHORT 5.00 spent, bound 0",
      preview: "SHORT 40.0% of window", specialization: "SHORT +4.0%", energy: "SHORT 0.0% of room, 0.0% saved of ≤40.0% possible keeping guarantees (≤50.0% ignoring them)",
    });
  });

  it("holds cloud spend to the larger bound, the one honouring budgets and guarantees included", () => {
    const [t] = targetRows([row("burstfarm", { cloud_cost: 21, cloud_cost_lb: 10, cloud_cost_lb_guarantees: 20 }), row("edf-autoscale", { misses: 3 })]);
    expect(t!.cloud).toBe("ok 1.05× bound (21.00 / 20.00; offline bound 10.00)");
    // Below the guarantee-aware bound by leaving clients below their guarantee: no verdict.
    const [u] = targetRows([row("burstfarm", { cloud_cost: 12, cloud_cost_lb: 10, cloud_cost_lb_guarantees: 20, guarantee_violation_min: 30 })]);
    expect(u!.cloud).toBe("n/a: 0.60× bound (12.00 / 20.00; offline bound 10.00) with 30.0 guarantee client-min below");
    expect(targetRows([row("burstfarm", { cloud_allowed_jobs: 1 }), row("edf-autoscale", { misses: 3 })])[0]!.misses).toBe("ok 0 avoidable (cloud allowed, edf-autoscale 3)");
  });

  it("says where meeting the deadlines forces guarantee shortfall", () => {
    const [t] = targetRows([row("burstfarm", { guarantee_violation_min: 12, guarantee_short_lb_node_h: 0.5 })]);
    expect(t!.guarantees).toBe("SHORT 12.0 client-min below (deadlines force ≥0.50 node-h below)");
  });

  it("+25% specialization is only a target where the LP's best gain on the backlog reaches it", () => {
    const spec = (lp: number) => targetRows([row("burstfarm", { specialization_gain_pct: 4, specialization_lp_gain_pct: lp })])[0]!.specialization;
    expect(spec(10)).toBe("n/a: +4.0% (LP best +10.0%)");
    expect(spec(40)).toBe("SHORT +4.0% (LP best +40.0%)");
  });
});
