// RISC-V instruction formats (RV32I/M base formats and the C extension's 16-bit ones), as upstream's
// py/asmrv32.h packs them, shared by the native code generator (asm-rv32.ts) and the inline assembler
// (inline-rv32.ts). Immediates are taken as 32-bit patterns; each format keeps only the bits it stores.

export const typeI = (op: number, f3: number, rd: number, rs: number, imm: number): number =>
  (op | ((rd & 0x1f) << 7) | (f3 << 12) | ((rs & 0x1f) << 15) | ((imm & 0xfff) << 20)) >>> 0;
export const typeR = (op: number, f3: number, f7: number, rd: number, rs1: number, rs2: number): number =>
  (op | ((rd & 0x1f) << 7) | (f3 << 12) | ((rs1 & 0x1f) << 15) | ((rs2 & 0x1f) << 20) | (f7 << 25)) >>> 0;
export const typeS = (op: number, f3: number, rs1: number, rs2: number, imm: number): number =>
  (op | ((imm & 0x1f) << 7) | (f3 << 12) | ((rs1 & 0x1f) << 15) | ((rs2 & 0x1f) << 20) | ((imm & 0xfe0) << 20)) >>> 0;
export const typeB = (op: number, f3: number, rs1: number, rs2: number, imm: number): number =>
  (op | (f3 << 12) | ((imm & 0x800) >> 4) | ((imm & 0x1e) << 7) | ((rs1 & 0x1f) << 15) | ((rs2 & 0x1f) << 20) |
    ((imm & 0x7e0) << 20) | ((imm & 0x1000) << 19)) >>> 0;
export const typeU = (op: number, rd: number, imm: number): number => (op | ((rd & 0x1f) << 7) | (imm & 0xfffff000)) >>> 0;
export const typeJ = (op: number, rd: number, imm: number): number =>
  (op | ((rd & 0x1f) << 7) | (imm & 0xff000) | ((imm & 0x800) << 9) | ((imm & 0x7fe) << 20) | ((imm & 0x100000) << 11)) >>> 0;
/** csrr*i: the CSR number in the immediate field, the 5-bit value in rs1's place. */
export const typeCSRI = (op: number, f3: number, rd: number, csr: number, imm: number): number =>
  (op | ((rd & 0x1f) << 7) | (f3 << 12) | ((imm & 0x1f) << 15) | ((csr & 0xfff) << 20)) >>> 0;

export const typeCR = (op: number, f4: number, rs1: number, rs2: number): number =>
  op | ((rs2 & 0x1f) << 2) | ((rs1 & 0x1f) << 7) | (f4 << 12);
export const typeCI = (op: number, f3: number, rd: number, imm: number): number =>
  op | (f3 << 13) | ((rd & 0x1f) << 7) | ((imm & 0x20) << 7) | ((imm & 0x1f) << 2);
export const typeCIW = (op: number, f3: number, rd: number, imm: number): number =>
  op | (f3 << 13) | ((rd & 7) << 2) | ((imm & 0x3c0) << 1) | ((imm & 0x30) << 7) | ((imm & 8) << 2) | ((imm & 4) << 4);
export const typeCJ = (op: number, f3: number, imm: number): number =>
  op | (f3 << 13) | ((imm & 0xe) << 2) | ((imm & 0x300) << 1) | ((imm & 0x800) << 1) | ((imm & 0x400) >> 2) |
  ((imm & 0x80) >> 1) | ((imm & 0x40) << 1) | ((imm & 0x20) >> 3) | ((imm & 0x10) << 7);
/** c.lw and c.sw (upstream writes c.sw through the same packing). */
export const typeCL = (op: number, f3: number, rd: number, rs: number, imm: number): number =>
  op | (f3 << 13) | ((rd & 7) << 2) | ((rs & 7) << 7) | ((imm & 0x40) >> 1) | ((imm & 0x38) << 7) | ((imm & 4) << 4);
export const typeCSS = (op: number, f3: number, rs: number, imm: number): number => op | (f3 << 13) | ((rs & 0x1f) << 2) | ((imm & 0x3f) << 7);
export const typeCB = (op: number, f3: number, rs: number, imm: number): number =>
  op | (f3 << 13) | ((rs & 7) << 7) | ((imm & 0xe0) << 5) | ((imm & 0x1f) << 2);
/**
 * c.and/c.or/c.xor/c.sub. Upstream keeps only two bits of each register field (x12-x15 read as
 * x8-x11); output must match, so this does too.
 */
export const typeCA = (op: number, f6: number, f2: number, rd: number, rs: number): number =>
  op | (f6 << 10) | (f2 << 5) | ((rd & 3) << 7) | ((rs & 3) << 2);

/** The offset bits of c.beqz/c.bnez in CB order. */
export const cbOffset = (o: number): number => ((o & 0x100) >> 1) | ((o & 0xc0) >> 3) | ((o & 0x20) >> 5) | ((o & 0x18) << 2) | (o & 6);
/** The offset bits of c.lwsp/c.swsp. */
export const spOffset = (o: number): number => ((o & 0xc0) >> 6) | (o & 0x3c);
/** c.andi/c.srli/c.srai: the 6-bit immediate and the function bits above it. */
export const cbImm = (imm: number, fn: number): number => ((imm & 0x20) << 2) | (imm & 0x1f) | fn;
