// The build's indentation stripping (scripts/strip-indentation.mjs): code loses its leading spaces,
// literals that span lines keep every byte, and the script means what it meant.
import { describe, it, expect } from "vitest";
import vm from "node:vm";
// @ts-expect-error: a build script in plain JavaScript, without types
import { stripIndentation } from "../../scripts/strip-indentation.mjs";

const strip = stripIndentation as (text: string) => string;

const SCRIPT = [
  "function f(a) {",
  "    if (a) {",
  "        return `first",
  "    indented ${a ? `inner",
  "      also kept` : 'x'} middle",
  "  last`;",
  "    }",
  "    const s = 'continued \\",
  "   still the string';",
  "\tconst t = 1",
  "\t  + 2;",
  "    return [s, t, /  re  /.source];",
  "}",
  "[f(1), f(0)]",
  "",
].join("\n");

describe("stripIndentation", () => {
  it("removes the leading spaces and tabs of code lines", () => {
    const out = strip(SCRIPT).split("\n");
    expect(out[0]).toBe("function f(a) {");
    expect(out[1]).toBe("if (a) {");
    expect(out[2]).toBe("return `first");
    expect(out[9]).toBe("const t = 1");
    expect(out[10]).toBe("+ 2;");
    expect(out[11]).toBe("return [s, t, /  re  /.source];");
  });

  it("keeps every byte of literals that span lines, nested templates and continued strings too", () => {
    const out = strip(SCRIPT).split("\n");
    expect(out.slice(3, 6)).toEqual(["    indented ${a ? `inner", "      also kept` : 'x'} middle", "  last`;"]);
    expect(out[8]).toBe("   still the string';");
  });

  it("leaves the script meaning the same", () => {
    expect(vm.runInNewContext(strip(SCRIPT))).toEqual(vm.runInNewContext(SCRIPT));
    expect(strip(SCRIPT).length).toBeLessThan(SCRIPT.length);
  });

  it("refuses a script that does not parse", () => {
    expect(() => strip("function (")).toThrow(/does not parse/);
  });
});
