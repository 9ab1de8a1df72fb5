export async function main(argv: string[]): Promise<number> {
  console.log("tspy", argv.join(" "));
  return 0;
}
