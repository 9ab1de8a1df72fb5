import { describe, expect, it } from "vitest";
import { MAY_START, RULES, ruleId, TOK_SLOTS } from "../../src/mpy-cross/grammar.js";
import { parse } from "../../src/mpy-cross/parser.js";
import type { StructNode } from "../../src/mpy-cross/parse-tree.js";
import { Tok } from "../../src/mpy-cross/tokens.js";

const may = (rule: string, tok: Tok): number => MAY_START[ruleId(rule) * TOK_SLOTS + tok]!;

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
        if (a.type === "tok") expect(MAY_START[r.id * TOK_SLOTS + a.tok], `${r.name} at token ${a.tok}`).toBe(1);
        else for (let t = 0; t < TOK_SLOTS; t++) {
          if (MAY_START[a.rule * TOK_SLOTS + t] === 1) expect(MAY_START[r.id * TOK_SLOTS + t], `${r.name} at token ${t}`).toBe(1);
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
