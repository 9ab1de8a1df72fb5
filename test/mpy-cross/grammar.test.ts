import { describe, expect, it } from "vitest";
import { grammarTables, RULES } from "../../src/mpy-cross/grammar.js";
import { mayStartBit, TOK_SLOTS } from "../../src/mpy-cross/grammar-layout.js";
import * as generated from "../../src/mpy-cross/grammar-tables.generated.js";
import { parse } from "../../src/mpy-cross/parser.js";
import type { StructNode } from "../../src/mpy-cross/parse-tree.js";
import { Tok } from "../../src/mpy-cross/tokens.js";

// The parser's table (the generated one); the last describe checks it is what grammar.ts computes.
const { MAY_START, ruleId } = generated;
const bit = (rule: number, tok: Tok): number => mayStartBit(MAY_START, rule, tok);
const may = (rule: string, tok: Tok): number => bit(ruleId(rule), tok);

describe("MAY_START (rules the parser need not enter at a token)", () => {
  it("knows where statements and operators cannot start", () => {
    expect(may("compound_stmt", Tok.NAME)).toBe(0);
    expect(may("compound_stmt", Tok.KW_IF)).toBe(1);
    expect(may("lambdef", Tok.NAME)).toBe(0);
    expect(may("test", Tok.NAME)).toBe(1);
    expect(may("test", Tok.KW_LAMBDA)).toBe(1);
    expect(may("term_op", Tok.OP_AT)).toBe(1); // kept even where a dialect lacks `@`
    expect(may("comp_op", Tok.KW_NOT)).toBe(1);
    expect(may("comp_op", Tok.DEL_COMMA)).toBe(0);
  });

  it("lets a rule whose first element is optional start anywhere", () => {
    for (let t = 0; t < TOK_SLOTS; t++) expect(may("file_input", t)).toBe(1);
  });

  it("covers every first token of every rule (it may only say 'fails' where the rule fails)", () => {
    for (const r of RULES) {
      const firsts = r.kind === "or" ? r.args : [r.args[0]!];
      for (const a of firsts) {
        if (a.type === "tok") expect(bit(r.id, a.tok), `${r.name} at token ${a.tok}`).toBe(1);
        else for (let t = 0; t < TOK_SLOTS; t++) {
          if (bit(a.rule, t) === 1) expect(bit(r.id, t), `${r.name} at token ${t}`).toBe(1);
        }
      }
    }
  });
});

describe("the rule machine's pending stack", () => {
  it("resumes lists past 32 elements and nesting past its first allocation", () => {
    const body = Array.from({ length: 40 }, (_, k) => `    x${k} = ${k}\n`).join("");
    const def = parse(`def f():\n${body}`, { filename: "case.py" }).root as StructNode;
    expect((def.nodes[3] as StructNode).nodes).toHaveLength(40);
    const deep = "[".repeat(1500) + "]".repeat(1500);
    expect(() => parse(`x = ${deep}\n`, { filename: "case.py" })).not.toThrow();
  });
});

describe("grammar-tables.generated.ts (the parser's tables, written by scripts/gen-grammar-tables.mjs)", () => {
  // When this fails the grammar changed: npm run build && node scripts/gen-grammar-tables.mjs && npm run build
  const t = grammarTables();
  it("holds the rules of grammar.ts, in its order", () => {
    expect(generated.RULE_NAMES).toEqual(t.ruleNames);
    expect(generated.RULE_NAMES).toEqual(RULES.map((r) => r.name));
    expect(generated.ruleId("atom")).toBe(RULES.find((r) => r.name === "atom")!.id);
    expect(() => generated.ruleId("no_such_rule")).toThrow(/unknown rule no_such_rule/);
  });
  it("holds the tables grammar.ts computes", () => {
    expect(generated.RULE_KIND).toEqual(t.ruleKind);
    expect(generated.RULE_ARG0).toEqual(t.ruleArg0);
    expect(generated.RULE_NARGS).toEqual(t.ruleNargs);
    expect(generated.RULE_FLAGS).toEqual(t.ruleFlags);
    expect(generated.RULE_PUSHED).toEqual(t.rulePushed);
    expect(generated.ARGS).toEqual(t.args);
    expect(generated.MAY_START).toEqual(t.mayStart);
    // not all zeros or all ones: the tables say something
    expect(t.mayStart.some((w) => w !== 0xffff) && t.mayStart.some((w) => w !== 0)).toBe(true);
  });
});
