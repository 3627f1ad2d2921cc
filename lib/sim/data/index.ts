/**
 * Real-data loaders for the simulator. Pure parsers take text or a Buffer (gzip detected);
 * `load*` helpers read a path; `bundled*` read the small copies in data/ (catalog.ts).
 * All errors are `DataError` with the source (file or field) and the problem.
 */
export { DataError } from "./data-error.ts";
export { dataPath, sharedDataPath, hasSharedData, readDataText, readDataBuffer, repoRoot } from "./data-path.ts";
export { localClock, type ZoneOption } from "./local-clock.ts";
export * from "./urdb-tariff.ts";
export * from "./market-prices.ts";
export * from "./gpu-info.ts";
export * from "./price-model.ts";
export * from "./spot-advisor.ts";
export * from "./spot-price-history.ts";
export * from "./swf.ts";
export * from "./render-log.ts";
export * from "./catalog.ts";
