/** `burstfarm openjd` — being written (placeholder so the CLI entry compiles). */
export async function run(argv: string[]): Promise<number> {
  void argv;
  process.stderr.write("burstfarm openjd: not available yet\n");
  return 2;
}
