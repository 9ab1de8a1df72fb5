// The qstr numbers a pre-1.12 mpy-cross process gave out: its compiled-in pool first (numbers 0..N-1,
// qstr-pools-legacy.ts), then every new qstr in the order it was created — the file name, the -s name,
// then the parser's names and short strings. .mpy 3 and 4 store some qstrs as these raw numbers.

export class QstrPool {
  private readonly numbers = new Map<string, number>();
  private next: number;

  constructor(builtin: readonly string[], created: readonly string[]) {
    // entry 0 is the null qstr and entry 1 the empty string; the pool's texts are unique otherwise
    for (let i = 1; i < builtin.length; i++) if (!this.numbers.has(builtin[i])) this.numbers.set(builtin[i], i);
    this.next = builtin.length;
    for (const q of created) this.number(q);
  }

  /** The number of a qstr; one the process did not have yet is created now (as the compiler would). */
  number(text: string): number {
    let n = this.numbers.get(text);
    if (n === undefined) {
      n = this.next++;
      this.numbers.set(text, n);
    }
    return n;
  }
}
