/**
 * Objective weights, one scale apart so the sum acts lexicographically (money in the farm's
 * currency per hour of work): a missed reference hour costs far more than any cloud hour, a cloud
 * hour more than any energy difference, energy more than a guaranteed slot-hour left unserved,
 * that more than a preview hour late, and the last, tiny term prefers earlier work among equals.
 * Lateness sits between misses and the cloud: see `latePerRefHourHour`.
 */
export const WEIGHTS = {
  missPerRefHour: 10_000,
  /**
   * Per reference hour of a missed deadline's work still not done, per hour past the deadline (× the
   * priority factor of misses). Work that misses is still planned after its deadline (groups in
   * `ModelInput.late`): without a price on lateness a late job got no capacity to finish sooner (it
   * rented nothing and was "not within the horizon"). Far above a cloud node-hour (a late delivery
   * finished sooner justifies renting, within the client's permission and budget, as any burst), and
   * below a miss: 72 h late × 40 × 1.5 (priority 100) = 4,320 < 5,000, the least a missed hour costs,
   * so no plan takes a miss to make other work less late.
   */
  latePerRefHourHour: 40,
  /** Work with no deadline not done within the horizon: above any energy price, never worth renting for. */
  bestEffortPerRefHour: 5,
  guaranteePerSlotHour: 0.01,
  /**
   * A guaranteed slot-hour left unserved where no client may rent and guarantees come before tariff
   * timing (policy.guaranteeRule "before-tariff"): above any energy difference of a slot-hour (~0.15 at
   * 0.3/kWh and 500 W), below best-effort work and lateness, far below a miss: there the order is
   * deadlines ≫ guarantees ≫ the energy saving (mixed-short-long 420 → 84 guarantee client-minutes, no miss).
   */
  guaranteeBeforeEnergyPerSlotHour: 0.5,
  previewPerHourHour: 0.0002,
  earlierPerHourHour: 0.00001,
  wakePerSlotHour: 0.001,
} as const;
