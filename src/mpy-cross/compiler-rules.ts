// The table from grammar rule name to its compile function (upstream's compile_function[]).
import type { RuleFn } from "./compiler.js";
import { STATEMENT_RULES } from "./compiler-statements.js";
import { EXPRESSION_RULES } from "./compiler-expressions.js";
import { FUNCTION_RULES } from "./compiler-functions.js";
import { EXCEPTION_RULES } from "./compiler-exceptions.js";

let table: Record<string, RuleFn> | undefined;

export function ruleFunction(rule: string): RuleFn | undefined {
  table ??= { ...STATEMENT_RULES, ...EXPRESSION_RULES, ...FUNCTION_RULES, ...EXCEPTION_RULES };
  return table[rule];
}
