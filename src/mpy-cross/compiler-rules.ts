// The table from grammar rule name to its compile function (upstream's compile_function[]).
import type { RuleFn } from "./compiler.js";
import { STATEMENT_RULES } from "./compiler-statements.js";
import { EXPRESSION_RULES } from "./compiler-expressions.js";
import { FUNCTION_RULES } from "./compiler-functions.js";
import { EXCEPTION_RULES } from "./compiler-exceptions.js";

let table: ReadonlyMap<string, RuleFn> | undefined;

/** Built on first use, when the rule modules (which import the compiler) have all loaded. A Map:
 * the rule names are looked up by value, and a Map's lookup stays one hash probe at every tier. */
export function ruleTable(): ReadonlyMap<string, RuleFn> {
  if (table) return table;
  // Set one by one, a later table's entry over an earlier one's (spreading them into one object and
  // taking its entries made two copies to throw away: ~0.1 ms of a one-file compile).
  const t = new Map<string, RuleFn>();
  for (const rules of [STATEMENT_RULES, EXPRESSION_RULES, FUNCTION_RULES, EXCEPTION_RULES]) {
    for (const name of Object.keys(rules)) t.set(name, rules[name]!);
  }
  return (table = t);
}
