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
  table ??= new Map(Object.entries({ ...STATEMENT_RULES, ...EXPRESSION_RULES, ...FUNCTION_RULES, ...EXCEPTION_RULES }));
  return table;
}
