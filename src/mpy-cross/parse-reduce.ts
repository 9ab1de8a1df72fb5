// Completing nodes the way upstream's push_result_token / push_result_rule do: leaves for tokens
// (names, numbers, interned or constant strings, const() names), and for each finished rule the
// simplifications (parentheses dropped, constants folded, const() recorded, tuples of constants
// built) before a node is made.
import {
  binaryOpForToken, constNodeValue, fitsHostSmallInt, foldBinary, foldUnary, isConstBool as constTruth, isConstNode, moduleConstant,
  nodeNumber,
  type BinaryOp, type Num,
} from "./const-fold.js";
import { RULE_NAMES } from "./grammar-tables.generated.js";
import { NumberSyntaxError, parseFloatLiteral, parseIntegerLiteral } from "./parse-number.js";
import { ParserState, R, structOf } from "./parse-state.js";
import { smallIntLeafValue } from "./parse-node.js";
import { constNode, idLeaf, smallIntLeaf, stringLeaf, structNode, tokenLeaf, type IdLeaf, type ParseNode, type PyConstant } from "./parse-tree.js";
import { Tok } from "./tokens.js";

/** Strings up to this many UTF-8 bytes are always interned (MICROPY_ALLOC_PARSE_INTERN_STRING_LEN). */
const INTERN_STRING_LEN = 10;

const BITWISE_OP: Partial<Record<number, BinaryOp>> = {
  [R.expr]: "or",
  [R.xor_expr]: "xor",
  [R.and_expr]: "and",
  [R.power]: "pow",
};

/** Made by the first literal that is not ASCII (creating one costs ~0.1 ms, most files never need it). */
let strictUtf8: InstanceType<typeof TextDecoder> | undefined;

/** The qstr text of a literal's bytes (a short one): as a str when they are UTF-8, else one char per
 * byte, so that bytes that are not text stay apart from each other (b"\xe0\0" and b"\xc0\0" are two
 * qstrs). ASCII reads the same both ways. */
function qstrKeyOfBytes(b: Uint8Array): string {
  if (b.some((c) => c >= 0x80)) {
    try {
      return (strictUtf8 ??= new TextDecoder("utf-8", { fatal: true })).decode(b);
    } catch {
      // not UTF-8: one char per byte, below
    }
  }
  return String.fromCharCode(...b);
}

export abstract class NodeBuilder extends ParserState {
  private readonly idLeaves = new Map<string, IdLeaf>();

  private intern(s: string): void {
    if (this.qstrs.has(s)) return;
    this.qstrs.add(s);
    this.createdQstrs.push(s);
  }

  /** A constant node, or a small-int leaf when the int fits the target's small ints. */
  private constNode(line: number, value: PyConstant, mpz = false): ParseNode {
    if (value.type !== "int") return constNode(line, value);
    return this.intNode(line, value.value, mpz, value);
  }

  /** An int's node; the constant object is made only when the int does not become a small-int leaf
   * (most int literals do, and their object would be garbage at once). */
  private intNode(line: number, v: bigint, mpz: boolean, value?: PyConstant): ParseNode {
    const big = mpz || !fitsHostSmallInt(v);
    if (!big && v >= this.smallMin && v <= this.smallMax) {
      return smallIntLeaf(smallIntLeafValue(v));
    }
    const node = constNode(line, value ?? { type: "int", value: v });
    if (big) this.mpzNodes.add(node);
    return node;
  }

  protected pushToken(ruleIdOfToken: number): void {
    const lex = this.lex;
    let pn: ParseNode;
    switch (lex.kind) {
      case Tok.NAME: {
        const name = lex.value;
        const constant = ruleIdOfToken === R.atom ? this.consts.get(name) : undefined;
        if (constant !== undefined) {
          this.intern(name);
          pn = this.constNode(lex.tokLine, constant.value, constant.mpz);
          break;
        }
        // one leaf per name and parse: a name recurs many times in a file, and leaves live as long as
        // the tree, so every copy would be one more object for each young-generation GC to move
        let leaf = this.idLeaves.get(name);
        if (leaf === undefined) {
          this.intern(name);
          leaf = idLeaf(name);
          this.idLeaves.set(name, leaf);
        }
        pn = leaf;
        break;
      }
      case Tok.INTEGER: {
        let v: bigint;
        try {
          v = parseIntegerLiteral(lex.value, this.dialect.rejectLeadingZeros);
        } catch (e) {
          throw this.numberError(e);
        }
        pn = this.intNode(lex.tokLine, v, false);
        break;
      }
      case Tok.FLOAT_OR_IMAG: {
        let value: PyConstant;
        try {
          value = parseFloatLiteral(lex.value, this.dialect.floatLiterals);
        } catch (e) {
          throw this.numberError(e);
        }
        pn = constNode(lex.tokLine, value);
        break;
      }
      case Tok.STRING:
      case Tok.BYTES:
        if (this.dialect.compilerJoinsStrings && lex.pieces().length > 1) {
          pn = this.joinedLiterals();
          break;
        }
        pn = lex.kind === Tok.STRING ? this.stringLiteral() : this.bytesLiteral();
        break;
      default:
        pn = tokenLeaf(lex.kind);
    }
    this.stack.push(pn);
  }

  private stringLiteral(): ParseNode {
    const lex = this.lex;
    const value = lex.value;
    if (lex.bytes.length <= INTERN_STRING_LEN) {
      this.intern(value);
      return stringLeaf(value);
    }
    if (this.qstrs.has(value)) return stringLeaf(value);
    return constNode(lex.tokLine, { type: "str", value });
  }

  private bytesLiteral(): ParseNode {
    const value = this.lex.copyBytes();
    // short bytes literals are interned too (as the qstr of their bytes), which uses up a qstr number
    if (value.length <= INTERN_STRING_LEN) this.intern(qstrKeyOfBytes(value));
    return constNode(this.lex.tokLine, { type: "bytes", value });
  }

  /** 1.8: each literal became a node of its own (short ones interned); the compiler built the joined object. */
  private joinedLiterals(): ParseNode {
    const lex = this.lex;
    for (const piece of lex.pieces()) if (piece.length <= INTERN_STRING_LEN) this.intern(qstrKeyOfBytes(piece));
    const value: PyConstant = lex.kind === Tok.STRING ? { type: "str", value: lex.value } : { type: "bytes", value: lex.copyBytes() };
    return constNode(lex.tokLine, value, true, lex.mixedKinds ? true : undefined);
  }

  /** A number literal's syntax error as the SyntaxError of its line. */
  private numberError(e: unknown): unknown {
    return e instanceof NumberSyntaxError ? this.error("SyntaxError", e.message, this.lex.tokLine) : e;
  }

  /** Completes a node of `id` from the top `numArgs` results, after upstream's simplifications. */
  protected pushRule(line: number, id: number, numArgs: number): void {
    if (id === R.atom_paren) {
      const pn = this.peek(0);
      // ( ) and (a, b, ...) keep their parentheses; (x) is just x
      if (pn !== null && structOf(pn, "testlist_comp") === null) return;
    } else if (id === R.testlist_comp) {
      const pn = this.peek(0);
      const many = structOf(pn, "testlist_comp_3c");
      if (structOf(pn, "testlist_comp_3b") !== null) {
        // (a,) — one item and a trailing comma
        this.stack.pop();
        numArgs--;
      } else if (many !== null) {
        // (a, b, ...) — 3c took the first item already; it becomes the testlist_comp itself
        this.stack.pop();
        this.stack[this.stack.length - 1] = structNode("testlist_comp", many.line, many.nodes);
        return;
      }
    } else if (id === R.testlist_comp_3c) {
      numArgs++; // take the first item, which testlist_comp parsed before the comma
    }

    const remaining = this.foldLogical(id, numArgs);
    if (remaining === null) return;
    numArgs = remaining;
    if (this.foldConstants(id, numArgs)) return;
    if (this.buildTuple(line, id, numArgs)) return;

    const nodes = this.stack.splice(this.stack.length - numArgs, numArgs);
    const node = structNode(RULE_NAMES[id]!, line, nodes);
    if (id === R.testlist_comp_3c) this.stack.push(node); // stands in for the item it took
    this.stack.push(node);
  }

  /** A constant whose truth is `value`, as this release's `and`/`or`/`not` folding sees it. (A method,
   * not a closure made per call: pushRule runs for every rule and the closures were 12% of the parse's
   * allocation.) */
  private isConstBool(pn: ParseNode, value: boolean): boolean {
    if (constTruth(pn, value, this.dialect.constTruthOfAnyObject)) return true;
    if (!this.dialect.hostSmallIntLeaves || pn === null || pn.kind !== "const") return false;
    const v = pn.value;
    return v.type === "int" && !this.mpzNodes.has(pn) && fitsHostSmallInt(v.value) && (v.value !== 0n) === value;
  }

  /**
   * `or`/`and` with constant operands, and `not <constant>`. Returns how many operands remain for the
   * node, or null when the expression folded to a single node.
   */
  private foldLogical(id: number, numArgs: number): number | null {
    if (id === R.or_test || id === R.and_test) {
      if (!this.dialect.foldLogical) return numArgs;
      const isOr = id === R.or_test;
      const stack = this.stack;
      const base = stack.length - numArgs;
      // operands are kept in place: a constant that decides the result ends the chain; one that
      // cannot decide it is dropped
      let kept = base;
      for (let j = base; j < stack.length; j++) {
        const pn = stack[j]!;
        stack[kept++] = pn;
        if (j === stack.length - 1) break;
        if (this.isConstBool(pn, isOr)) break;
        if (this.isConstBool(pn, !isOr)) kept--;
      }
      stack.length = kept;
      return kept - base === 1 ? null : kept - base;
    }
    if (id === R.not_test_2) {
      if (!this.dialect.foldLogical) return numArgs;
      const pn = this.peek(0);
      let folded: ParseNode;
      if (this.isConstBool(pn, false)) folded = tokenLeaf(Tok.KW_TRUE);
      else if (this.isConstBool(pn, true)) folded = tokenLeaf(Tok.KW_FALSE);
      else return numArgs;
      this.stack[this.stack.length - 1] = folded;
      return null;
    }
    return numArgs;
  }

  /** The number a node holds, as far as this release folds: ints only before 1.26. */
  private foldable(pn: ParseNode): Num | null {
    let n = nodeNumber(pn);
    if (n !== null && n.type === "int" && pn !== null && this.mpzNodes.has(pn)) n = { ...n, mpz: true };
    return n !== null && (n.type === "int" || this.dialect.floatFolding) ? n : null;
  }

  /** One folding step; before 1.26 `/`, `@` and negative powers were left alone. */
  private foldStep(op: BinaryOp, lhs: Num, rhs: Num): Num | null {
    if (!this.dialect.floatFolding) {
      if (op === "truediv" || op === "matmul") return null;
      if (op === "pow" && rhs.type === "int" && rhs.value < 0n) return null;
      // Before 1.26 nothing caught an exception raised while folding: a shift count beyond a machine
      // word stopped mpy-cross with a bare OverflowError.
      if ((op === "lshift" || op === "rshift") && lhs.type === "int" && rhs.type === "int" && rhs.value >= 1n << 63n) {
        throw this.error("OverflowError", "overflow converting long int to machine word", 0);
      }
    }
    return foldBinary(op, lhs, rhs, this.dialect.normaliseBigIntResults);
  }

  private foldConstants(id: number, numArgs: number): boolean {
    let result: Num | null = null;
    const first = this.peek(numArgs - 1);
    const bitwise = id === R.power && !this.dialect.foldPower ? undefined : BITWISE_OP[id];
    if (bitwise !== undefined) {
      result = this.foldable(first);
      for (let i = numArgs - 2; i >= 0 && result !== null; i--) {
        const rhs = this.foldable(this.peek(i));
        result = rhs === null ? null : this.foldStep(bitwise, result, rhs);
      }
    } else if (id === R.shift_expr || id === R.arith_expr || id === R.term) {
      result = this.foldable(first);
      for (let i = numArgs - 2; i >= 1 && result !== null; i -= 2) {
        const rhs = this.foldable(this.peek(i - 1));
        const opNode = this.peek(i);
        const op = opNode !== null && opNode.kind === "token" ? binaryOpForToken(opNode.tok) : null;
        result = rhs === null || op === null ? null : this.foldStep(op, result, rhs);
      }
    } else if (id === R.factor_2) {
      const operand = this.foldable(this.peek(0));
      const opNode = this.peek(1);
      if (operand !== null && opNode !== null && opNode.kind === "token") {
        if (opNode.tok !== Tok.OP_TILDE || operand.type === "int") result = foldUnary(opNode.tok, operand);
      }
    } else if (id === R.expr_stmt) {
      return this.foldConstAssignment();
    } else if (id === R.atom_expr_normal) {
      const base = this.peek(1);
      const trailer = this.peek(0);
      const period = structOf(trailer, "trailer_period");
      if (base !== null && base.kind === "id" && period !== null) {
        const attr = period.nodes[0];
        // (math joined the table of foldable modules in 1.26, together with float folding)
        if (attr !== null && attr !== undefined && attr.kind === "id" && this.dialect.floatFolding) {
          result = moduleConstant(base.name, attr.name);
        }
      }
    } else {
      return false;
    }
    if (result === null) return false;
    this.stack.length -= numArgs;
    this.stack.push(this.constNode(0, result, result.type === "int" && result.mpz === true));
    return true;
  }

  /** `NAME = const(value)`: remember the value; `_NAME` assignments vanish (become `pass`). */
  private foldConstAssignment(): boolean {
    const rhs = this.peek(0);
    if (rhs === null || structOf(rhs, "expr_stmt_augassign") || structOf(rhs, "expr_stmt_assign_list")) return false;
    const target = this.peek(1);
    const call = structOf(rhs, "atom_expr_normal");
    if (target === null || target.kind !== "id" || call === null) return false;
    const callee = call.nodes[0];
    const args = structOf(call.nodes[1], "trailer_paren");
    if (callee === null || callee === undefined || callee.kind !== "id" || callee.name !== "const" || args === null) {
      return false;
    }
    const valueNode = args.nodes[0] ?? null;
    if (!this.dialect.constAnyObject) {
      // 1.8 took only what its parser held as a small-int leaf (the host's 63 bits); 1.9 any int
      const bigOk = !this.dialect.constErrorAtNextToken;
      const intConst = valueNode !== null && valueNode.kind === "const" && valueNode.value.type === "int" &&
        (bigOk || (!this.mpzNodes.has(valueNode) && fitsHostSmallInt(valueNode.value.value)));
      if (valueNode === null || (valueNode.kind !== "smallint" && !intConst)) {
        // 1.8 noted the error and stopped at the next token, whose line it reported
        throw this.error("SyntaxError", "constant must be an integer", this.dialect.constErrorAtNextToken ? this.lex.tokLine : call.line);
      }
    } else if (!isConstNode(valueNode)) {
      throw this.error("SyntaxError", "not a constant", call.line);
    }
    this.consts.set(target.name, { value: constNodeValue(valueNode), mpz: valueNode !== null && this.mpzNodes.has(valueNode) });
    if (target.name.startsWith("_")) {
      this.stack.length -= 2;
      this.pushRule(0, R.pass_stmt, 0);
      return true;
    }
    this.stack[this.stack.length - 1] = valueNode;
    return false;
  }

  private buildTuple(line: number, id: number, numArgs: number): boolean {
    if (!this.dialect.constTuples) return false;
    if (id === R.testlist_comp && this.pendingRule(0) === R.atom_paren) {
      // (a,) or (a, b)
      return this.tupleFromStack(line, numArgs);
    }
    if (id === R.testlist_comp_3c && this.pendingRule(2) === R.atom_paren) {
      // (a, b, c, ...): the pending testlist_comp_3b and testlist_comp have nothing left to do
      if (this.tupleFromStack(line, numArgs)) {
        this.dropPending(2);
        return true;
      }
      return false;
    }
    if (id === R.testlist_star_expr || id === R.testlist || id === R.subscriptlist) {
      return this.tupleFromStack(line, numArgs);
    }
    return false;
  }

  private tupleFromStack(line: number, numArgs: number): boolean {
    for (let i = 0; i < numArgs; i++) if (!isConstNode(this.peek(i))) return false;
    const items = this.stack.splice(this.stack.length - numArgs, numArgs).map(constNodeValue);
    this.stack.push(constNode(line, { type: "tuple", items }));
    return true;
  }
}
