export type { BoundsClass, BoundsInstance, BoundsJob } from "./instance.ts";
export { instanceFromSnapshot, type InstanceOptions } from "./from-snapshot.ts";
export { cloudLowerBound, type CloudBound } from "./cloud.ts";
export { energyLowerBound, type EnergyBound } from "./energy.ts";
export { unavoidablyLate } from "./late.ts";
export { cloudLpText, energyLpText } from "./lp-text.ts";
