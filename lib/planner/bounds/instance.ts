/**
 * A solver-neutral description of a farm over time, used to compute lower bounds and exported
 * by the simulator (`--export-instance`) so anyone can check the bounds with their own LP solver.
 *
 * Time is cut into `slots` of `slot_minutes`; work of a job must fall in
 * [release_slot, deadline_slot). `work_node_hours[class]` is the node-hours the job needs if it
 * runs on that class alone (absent class: not eligible). Field names are snake_case because this
 * is an exchange format.
 */
export interface BoundsInstance {
  slot_minutes: number;
  slots: number;
  /** Energy price per kWh in each slot. */
  tariff: number[];
  classes: BoundsClass[];
  jobs: BoundsJob[];
}

export interface BoundsClass {
  name: string;
  /** On-prem nodes of this class: a constant, or one number per slot. */
  local_nodes: number | number[];
  power_kw_busy: number;
  /** Price of one cloud node-hour of this class; null when it cannot be rented. */
  cloud_price_per_node_hour: number | null;
  /** Slots from request to a usable cloud node. */
  cloud_boot_slots: number;
}

export interface BoundsJob {
  id: string;
  release_slot: number;
  deadline_slot: number;
  work_node_hours: Record<string, number>;
  /** Most nodes the job can use at once (tasks left), or null for no limit. */
  max_parallel: number | null;
  cloud_allowed: boolean;
}
