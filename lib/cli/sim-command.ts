/** `burstfarm sim` — being written (placeholder so the CLI entry compiles). */
export async function run(argv: string[]): Promise<number> {
  void argv;
  process.stderr.write("burstfarm sim: not available yet\n");
  return 2;
}
