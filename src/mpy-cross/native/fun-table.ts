// Entries of mp_fun_table, the runtime's table of helpers native code calls through (nativeglue.h
// mp_fun_kind_t): native code calls entry n as funTable[n]. The first three are the None/False/True objects.
export const F = {
  CONST_NONE_OBJ: 0,
  CONST_FALSE_OBJ: 1,
  CONST_TRUE_OBJ: 2,
  CONVERT_OBJ_TO_NATIVE: 3,
  CONVERT_NATIVE_TO_OBJ: 4,
  NATIVE_SWAP_GLOBALS: 5,
  LOAD_NAME: 6,
  LOAD_GLOBAL: 7,
  LOAD_BUILD_CLASS: 8,
  LOAD_ATTR: 9,
  LOAD_METHOD: 10,
  LOAD_SUPER_METHOD: 11,
  STORE_NAME: 12,
  STORE_GLOBAL: 13,
  STORE_ATTR: 14,
  OBJ_SUBSCR: 15,
  OBJ_IS_TRUE: 16,
  UNARY_OP: 17,
  BINARY_OP: 18,
  BUILD_TUPLE: 19,
  BUILD_LIST: 20,
  BUILD_MAP: 21,
  BUILD_SET: 22,
  STORE_SET: 23,
  LIST_APPEND: 24,
  STORE_MAP: 25,
  MAKE_FUNCTION_FROM_PROTO_FUN: 26,
  NATIVE_CALL_FUNCTION_N_KW: 27,
  CALL_METHOD_N_KW: 28,
  CALL_METHOD_N_KW_VAR: 29,
  NATIVE_GETITER: 30,
  NATIVE_ITERNEXT: 31,
  NLR_PUSH: 32,
  NLR_POP: 33,
  NATIVE_RAISE: 34,
  IMPORT_NAME: 35,
  IMPORT_FROM: 36,
  IMPORT_ALL: 37,
  NEW_SLICE: 38,
  UNPACK_SEQUENCE: 39,
  UNPACK_EX: 40,
  DELETE_NAME: 41,
  DELETE_GLOBAL: 42,
  NEW_CLOSURE: 43,
  ARG_CHECK_NUM_SIG: 44,
  SETUP_CODE_STATE: 45,
  SMALL_INT_FLOOR_DIVIDE: 46,
  SMALL_INT_MODULO: 47,
  NATIVE_YIELD_FROM: 48,
  SETJMP: 49,
} as const;

export type FunSlots = Readonly<Partial<Record<number, number>>>;

/**
 * 1.11's mp_fun_table (runtime0.h mp_fun_kind_t), where it differs from the numbers above: list
 * append before the map and set entries, and mp_obj_new_cell before the closure maker.
 */
export const FUN_SLOTS_1_11: FunSlots = {
  [F.LIST_APPEND]: 21, [F.BUILD_MAP]: 22, [F.STORE_MAP]: 23, [F.STORE_SET]: 24, [F.BUILD_SET]: 25,
  [F.NEW_CLOSURE]: 44, [F.ARG_CHECK_NUM_SIG]: 45, [F.SETUP_CODE_STATE]: 46, [F.SMALL_INT_FLOOR_DIVIDE]: 47,
  [F.SMALL_INT_MODULO]: 48, [F.NATIVE_YIELD_FROM]: 49,
};
