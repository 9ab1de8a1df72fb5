// The qstrs every MicroPython firmware numbers identically (1..165), so a .mpy file can name them
// by number instead of spelling them out. The list is part of the .mpy format: .mpy v5 (one byte
// after a zero length) and v6.x (odd length = number << 1 | 1) both index into this same list,
// and it has not changed between MicroPython 1.12 and 1.27. Index 0 is the null qstr, never used.

/** STATIC_QSTRS[n] is the text of static qstr number n (n = 1..165); entry 0 is unused. */
export const STATIC_QSTRS: readonly string[] = [
  "<null>",
  "", "__dir__", "\n", " ", "*", "/", "<module>", "_", "__call__", "__class__", "__delitem__", "__enter__",
  "__exit__", "__getattr__", "__getitem__", "__hash__", "__init__", "__int__", "__iter__", "__len__",
  "__main__", "__module__", "__name__", "__new__", "__next__", "__qualname__", "__repr__", "__setitem__",
  "__str__", "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "EOFError", "Ellipsis",
  "Exception", "GeneratorExit", "ImportError", "IndentationError", "IndexError", "KeyError",
  "KeyboardInterrupt", "LookupError", "MemoryError", "NameError", "NoneType", "NotImplementedError",
  "OSError", "OverflowError", "RuntimeError", "StopIteration", "SyntaxError", "SystemExit", "TypeError",
  "ValueError", "ZeroDivisionError", "abs", "all", "any", "append", "args", "bool", "builtins", "bytearray",
  "bytecode", "bytes", "callable", "chr", "classmethod", "clear", "close", "const", "copy", "count", "dict",
  "dir", "divmod", "end", "endswith", "eval", "exec", "extend", "find", "format", "from_bytes", "get",
  "getattr", "globals", "hasattr", "hash", "id", "index", "insert", "int", "isalpha", "isdigit",
  "isinstance", "islower", "isspace", "issubclass", "isupper", "items", "iter", "join", "key", "keys", "len",
  "list", "little", "locals", "lower", "lstrip", "main", "map", "micropython", "next", "object", "open",
  "ord", "pop", "popitem", "pow", "print", "range", "read", "readinto", "readline", "remove", "replace",
  "repr", "reverse", "rfind", "rindex", "round", "rsplit", "rstrip", "self", "send", "sep", "set", "setattr",
  "setdefault", "sort", "sorted", "split", "start", "startswith", "staticmethod", "step", "stop", "str",
  "strip", "sum", "super", "throw", "to_bytes", "tuple", "type", "update", "upper", "utf-8", "value",
  "values", "write", "zip",
];

/** The highest static qstr number: anything above it lives in the file's own qstr data. */
export const LAST_STATIC_QSTR = STATIC_QSTRS.length - 1;

/** Pycopy 3.x (its py/makeqstrdata.py) numbers the same qstrs, but puts "__dir__" after "<module>". */
export const PYCOPY_STATIC_QSTRS: readonly string[] = [
  "<null>", "", "\n", " ", "*", "/", "<module>", "__dir__", ...STATIC_QSTRS.slice(8),
];

const byTable = new Map<readonly string[], Map<string, number>>();

/** The static number of a qstr text in `table` (default: MicroPython's), or undefined when it must be stored in the file. */
export function staticQstrNumber(text: string, table: readonly string[] = STATIC_QSTRS): number | undefined {
  let byText = byTable.get(table);
  if (!byText) {
    // (entry 0 is the null qstr; a text listed twice gets its last number. A loop, not a Map made from
    // pairs: ~250 throw-away arrays were ~0.1 ms of a one-file compile)
    byText = new Map<string, number>();
    for (let i = 1; i < table.length; i++) byText.set(table[i]!, i);
    byTable.set(table, byText);
  }
  return byText.get(text);
}
