// Data: the qstr pool compiled into MicroPython 1.8.4's mpy-cross (.mpy 0), in number order (entry n is
// qstr n; entry 0 is the null qstr), read from genhdr/qstrdefs.generated.h of its mpy-cross build. Used
// as the other pre-1.12 pools are: .mpy 0 stores every qstr of the bytecode as this process's raw number.

/** MicroPython 1.8.4's mpy-cross (242 qstrs). */
export const MPY_CROSS_1_8_4_QSTRS: readonly string[] = [
  "", "", "*", "_", "%#o", "%#x", "{:#b}", "\n", "maximum recursion depth exceeded", "<module>", "<lambda>",
  "<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>", "<string>", "<stdin>", "utf-8", "__locals__", "BufferError",
  "FileExistsError", "FileNotFoundError", "FloatingPointError", "UnboundLocalError", "ArithmeticError",
  "AssertionError", "AttributeError", "BaseException", "EOFError", "Ellipsis", "Exception", "GeneratorExit",
  "ImportError", "IndentationError", "IndexError", "KeyError", "KeyboardInterrupt", "LookupError", "MemoryError",
  "NameError", "NoneType", "NotImplementedError", "OSError", "OverflowError", "RuntimeError", "StopAsyncIteration",
  "StopIteration", "SyntaxError", "SystemExit", "TypeError", "UnicodeError", "ValueError", "ZeroDivisionError",
  "__add__", "__aenter__", "__aexit__", "__aiter__", "__anext__", "__bool__", "__build_class__", "__call__",
  "__class__", "__contains__", "__delitem__", "__dict__", "__enter__", "__eq__", "__exit__", "__ge__", "__getattr__",
  "__getitem__", "__gt__", "__hash__", "__import__", "__init__", "__iter__", "__le__", "__len__", "__lt__", "__main__",
  "__module__", "__name__", "__new__", "__next__", "__path__", "__qualname__", "__repl_print__", "__repr__",
  "__reversed__", "__setitem__", "__str__", "__sub__", "abs", "add", "all", "any", "append", "args", "bin", "bool",
  "bound_method", "builtins", "bytearray", "bytecode", "bytes", "calcsize", "callable", "chr", "classmethod", "clear",
  "close", "closure", "complex", "const", "copy", "count", "decode", "default", "deleter", "dict", "dict_view",
  "difference", "difference_update", "dir", "discard", "divmod", "doc", "encode", "end", "endswith", "enumerate",
  "eval", "exec", "extend", "filter", "find", "float", "format", "from_bytes", "fromkeys", "function", "generator",
  "get", "getattr", "getter", "globals", "hasattr", "hash", "heap_lock", "heap_unlock", "hex", "id", "imag", "index",
  "insert", "int", "intersection", "intersection_update", "isalpha", "isdigit", "isdisjoint", "isinstance", "islower",
  "isspace", "issubclass", "issubset", "issuperset", "isupper", "items", "iter", "iterable", "iterator", "join", "key",
  "keys", "len", "list", "locals", "lower", "lstrip", "map", "max", "micropython", "min", "module", "next", "object",
  "oct", "ord", "pack", "pack_into", "pop", "popitem", "pow", "print", "property", "range", "real", "remove", "replace",
  "repr", "reverse", "reversed", "rfind", "rindex", "round", "rsplit", "rstrip", "send", "sep", "set", "setattr",
  "setdefault", "setter", "slice", "sort", "sorted", "split", "start", "startswith", "staticmethod", "step", "stop",
  "str", "strip", "sum", "super", "symmetric_difference", "symmetric_difference_update", "throw", "to_bytes", "tuple",
  "type", "union", "unpack", "unpack_from", "update", "upper", "ustruct", "value", "values", "zip",
];
