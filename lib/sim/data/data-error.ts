/**
 * The one error type of the data loaders: which source (file or field path) and what is wrong,
 * e.g. `energyratestructure[2]: no tier 0 rate`.
 */
export class DataError extends Error {
  override readonly name = "DataError";
  constructor(
    readonly source: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${source}: ${problem}`, options);
  }
}
