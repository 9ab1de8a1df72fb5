// Compiling an @micropython.asm_* function (upstream's compile_scope_inline_asm): the body must be a list
// of calls `op(arg, ...)`, plus the pseudo-ops label(), align() and data(), and is handed to the target
// arch's inline assembler one instruction at a time. Any asm_* decorator picks the target's assembler.
import type { Compiler } from "../compiler.js";
import { PendingSyntaxError } from "../compiler.js";
import { Pass } from "../emitter.js";
import type { Scope } from "../scope.js";
import { ScopeKind } from "../scope.js";
import type { ParseNode, StructNode } from "../parse-tree.js";
import { extractList, isId, isSmallInt } from "../parse-node.js";
import { intArg } from "./inline-base.js";
import { NativeType } from "./types.js";
import { asmCompat, type AsmCompat } from "./asm-compat.js";
import { InlineThumb } from "./inline-thumb.js";
import { InlineXtensa } from "./inline-xtensa.js";
import { InlineRv32 } from "./inline-rv32.js";

/** What the driver asks of an arch's inline assembler (upstream's emit_inline_asm_method_table_t). */
export interface InlineAssembler {
  /** Compute passes before the emit pass (Xtensa needs two to size its literal table). */
  readonly codeSizePasses: number;
  /** The SyntaxError an operation recorded; like upstream, a later problem in one op replaces an earlier one. */
  error: string | null;
  startPass(pass: Pass.CodeSize | Pass.Emit): void;
  endPass(): void;
  /** Checks the parameter names and returns how many there are. */
  countParams(params: ParseNode[]): number;
  /** false: the label is defined twice. */
  label(num: number, name: string): boolean;
  op(name: string, args: ParseNode[]): void;
  align(n: number): void;
  data(bytes: number, value: bigint): void;
  code(): Uint8Array;
}

const RETURN_TYPES: Record<string, NativeType> = {
  object: NativeType.Obj, bool: NativeType.Bool, int: NativeType.Int, uint: NativeType.Uint,
};

const HOST_SMALL_MIN = -(1n << 62n), HOST_SMALL_MAX = (1n << 62n) - 1n;

/** A data() value as the release accepts it, or null ("'data' requires integer arguments"). */
function dataInt(pn: ParseNode, ints: AsmCompat["inlineDataInts"]): bigint | null {
  if (ints === "target-small") return isSmallInt(pn) ? BigInt(pn.value) : null;
  const v = intArg(pn);
  if (v !== null && ints === "host-small" && (v < HOST_SMALL_MIN || v > HOST_SMALL_MAX)) return null;
  return v;
}

function createInlineAssembler(c: Compiler): InlineAssembler {
  const arch = c.opts.arch!;
  const ac = asmCompat(c.compat);
  switch (arch.inlineAsm) {
    case "thumb": return new InlineThumb(arch, ac);
    case "xtensa": return new InlineXtensa(ac);
    case "rv32": return new InlineRv32(c.opts.archFlags ?? 0, c.maxNumLabels);
    default: throw new Error(`internal: no inline assembler for ${arch.name}`);
  }
}

const lineOf = (pn: ParseNode): number => (pn !== null && (pn.kind === "struct" || pn.kind === "const") ? pn.line : 0);

/**
 * Runs the scope pass (checks only) when `pass` is Pass.Scope, otherwise the compute and emit passes,
 * leaving the machine code in the scope's raw code.
 */
export function compileInlineAsmScope(c: Compiler, scope: Scope, pass?: Pass): void {
  c.scopeCur = scope;
  c.nextLabel = 0;
  if (pass === Pass.Scope) {
    runPass(c, scope, Pass.Scope, null, "any");
    return;
  }
  const ia = createInlineAssembler(c);
  const dataInts = asmCompat(c.compat).inlineDataInts;
  c.usedInlineAsm = true;
  let typeSig = NativeType.Int;
  for (let i = 0; i < ia.codeSizePasses; i++) runPass(c, scope, Pass.CodeSize, ia, dataInts);
  typeSig = runPass(c, scope, Pass.Emit, ia, dataInts);
  const rc = scope.rawCode!;
  rc.funData = Uint8Array.from(ia.code());
  rc.children = [];
  rc.scopeFlags = 0;
  rc.native = { kind: "asm", preludeOffset: 0, asmNPosArgs: scope.numPosArgs, asmTypeSig: typeSig };
}

function fail(message: string, line: number): never {
  throw new PendingSyntaxError(message, line);
}

/** One pass over the body; returns the type signature (the return annotation's native type). */
function runPass(c: Compiler, scope: Scope, pass: Pass, ia: InlineAssembler | null, dataInts: AsmCompat["inlineDataInts"]): number {
  if (scope.kind !== ScopeKind.Function) fail("inline assembler must be a function", 0);
  const pns = scope.pn as StructNode;
  if (ia) ia.startPass(pass as Pass.CodeSize | Pass.Emit);
  if (ia && pass === Pass.CodeSize) {
    scope.numPosArgs = ia.countParams(extractList(pns.nodes[1], "typedargslist"));
    if (ia.error) fail(ia.error, pns.line);
  }

  // an annotation error is reported once the first instruction is reached (upstream carries on)
  let pendingError: string | null = null;
  let typeSig: number = NativeType.Int;
  const annotation = pns.nodes[2];
  if (annotation !== null) {
    if (isId(annotation)) {
      const t = RETURN_TYPES[annotation.name];
      if (t === undefined) fail("unknown type", lineOf(annotation) || pns.line);
      typeSig = t;
    } else {
      pendingError = "return annotation must be an identifier";
    }
  }

  let nextLabel = 0;
  for (const node of extractList(pns.nodes[3], "suite_block_stmts")) {
    const stmt = node as StructNode;
    if (stmt.rule === "pass_stmt") continue;
    const call = instructionCall(stmt);
    if (!call) fail("expecting an assembler instruction", stmt.line);
    const { op, trailer } = call;
    const args = extractList(trailer.nodes[0], "arglist");
    if (pendingError === null) {
      if (op === "label") {
        if (!(args.length === 1 && isId(args[0]))) fail("'label' requires 1 argument", stmt.line);
        const lab = nextLabel++;
        if (ia && !ia.label(lab, args[0].name)) fail("label redefined", stmt.line);
        c.nextLabel = nextLabel;
      } else if (op === "align") {
        if (!(args.length === 1 && isSmallInt(args[0]))) fail("'align' requires 1 argument", stmt.line);
        if (ia) ia.align(Number(args[0].value));
      } else if (op === "data") {
        if (!(args.length >= 2 && isSmallInt(args[0]))) fail("'data' requires at least 2 arguments", stmt.line);
        if (ia) {
          const size = Number(args[0].value);
          for (const a of args.slice(1)) {
            const v = dataInt(a, dataInts);
            if (v === null) fail("'data' requires integer arguments", stmt.line);
            ia.data(size, v);
          }
        }
      } else if (ia) {
        ia.op(op, args);
      }
    }
    const err = pendingError ?? ia?.error ?? null;
    if (err !== null) fail(err, trailer.line);
  }
  if (ia) ia.endPass();
  return typeSig;
}

/** `name(args)` as an expression statement, or null when the statement is anything else. */
function instructionCall(stmt: StructNode): { op: string; trailer: StructNode } | null {
  if (stmt.rule !== "expr_stmt") return null;
  const expr = stmt.nodes[0];
  if (expr === null || expr.kind !== "struct" || stmt.nodes[1] !== null) return null;
  if (expr.rule !== "atom_expr_normal" || !isId(expr.nodes[0])) return null;
  const trailer = expr.nodes[1];
  if (trailer === null || trailer.kind !== "struct" || trailer.rule !== "trailer_paren") return null;
  return { op: expr.nodes[0].name, trailer };
}
