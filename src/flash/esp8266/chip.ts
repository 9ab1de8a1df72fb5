// Everything particular to the ESP8266: register addresses, eFuse layout, flash tables, and the
// ROM loader's quirks. The wire code (loader.ts) and the commands (operations.ts) ask here.

/** Read by current esptool (and by tspy): a ROM word whose value differs per chip model. */
export const CHIP_MAGIC_REG = 0x40001000;
export const ESP8266_MAGIC = 0xfff0c101;
/** Read by esptool 2.x: the UART date register, mapped at the same address on ESP8266 and ESP32. */
export const UART_DATE_REG = 0x60000078;
export const ESP8266_UART_DATE = 0x00062000;

/** Magic values of chips that are not ESP8266s, so that a wrong board gets a clear message. */
const OTHER_CHIPS: Record<number, string> = {
  0x00f01d83: "ESP32",
  0x000007c6: "ESP32-S2",
  0x15122500: "ESP32",
};

export function otherChipName(magic: number): string | undefined {
  return OTHER_CHIPS[magic >>> 0];
}

export const EFUSE_WORDS = [0x3ff00050, 0x3ff00054, 0x3ff00058, 0x3ff0005c] as const;
export const UART_CLKDIV_REG = 0x60000014;
/** APB clock = 2 × crystal on the ESP8266. */
export const XTAL_CLK_DIVIDER = 2;

export const SPI_REG_BASE = 0x60000200;
export const SPI_CMD_REG = SPI_REG_BASE + 0x00;
export const SPI_USR_REG = SPI_REG_BASE + 0x1c;
export const SPI_USR1_REG = SPI_REG_BASE + 0x20;
export const SPI_USR2_REG = SPI_REG_BASE + 0x24;
export const SPI_W0_REG = SPI_REG_BASE + 0x40;
export const SPI_CMD_USR = 1 << 18;
export const SPI_USR_COMMAND = 1 << 31;
export const SPI_USR_MISO = 1 << 28;
export const SPI_USR_MOSI = 1 << 27;
export const SPIFLASH_RDID = 0x9f;
/** Status register reads: bits 0-7, 8-15, 16-23. */
export const SPIFLASH_RDSR = 0x05;
export const SPIFLASH_RDSR2 = 0x35;
export const SPIFLASH_RDSR3 = 0x15;
/** Status register writes (bits 0-7, or 0-15 on chips that take two bytes; 8-15; 16-23). */
export const SPIFLASH_WRSR = 0x01;
export const SPIFLASH_WRSR2 = 0x31;
export const SPIFLASH_WRSR3 = 0x11;
/** Write enable: WREN lets the next write reach the non-volatile bits, WEVSR only the volatile copy. */
export const SPIFLASH_WREN = 0x06;
export const SPIFLASH_WEVSR = 0x50;
export const SPIFLASH_WRDI = 0x04;

export const FLASH_SECTOR_SIZE = 0x1000;
export const ROM_FLASH_BLOCK = 0x400;
export const STUB_FLASH_BLOCK = 0x4000;
export const RAM_BLOCK = 0x1800;
export const READ_FLASH_BLOCK = 0x1000;
export const IMAGE_MAGIC = 0xe9;
export const IMAGE_V2_MAGIC = 0xea;
export const BOOTLOADER_OFFSET = 0;

export const FLASH_MODES: Record<string, number> = { qio: 0, qout: 1, dio: 2, dout: 3 };
export const FLASH_FREQS: Record<string, number> = { "40m": 0x0, "26m": 0x1, "20m": 0x2, "80m": 0xf };
/** Flash size names → the high nibble of header byte 3. */
export const FLASH_SIZES: Record<string, number> = {
  "512KB": 0x00,
  "256KB": 0x10,
  "1MB": 0x20,
  "2MB": 0x30,
  "4MB": 0x40,
  "2MB-c1": 0x50,
  "4MB-c1": 0x60,
  "8MB": 0x80,
  "16MB": 0x90,
};

/** JEDEC capacity byte → size name (2^n bytes). */
export const DETECTED_FLASH_SIZES: Record<number, string> = {
  0x12: "256KB",
  0x13: "512KB",
  0x14: "1MB",
  0x15: "2MB",
  0x16: "4MB",
  0x17: "8MB",
  0x18: "16MB",
};

export function flashSizeBytes(name: string): number {
  const m = /^(\d+)(KB|MB)/.exec(name);
  if (!m) throw new Error(`unknown flash size ${name}`);
  return Number(m[1]) * (m[2] === "MB" ? 1024 * 1024 : 1024);
}

export interface ChipFacts {
  mac: number[];
  chipId: number;
  description: string;
}

/** MAC, chip id and model from the four eFuse words (in EFUSE_WORDS order). */
export function decodeEfuses(w: readonly number[]): ChipFacts {
  const [mac0 = 0, mac1 = 0, efuse2 = 0, mac3 = 0] = w;
  let oui: number[];
  if (mac3 !== 0) oui = [(mac3 >>> 16) & 0xff, (mac3 >>> 8) & 0xff, mac3 & 0xff];
  else if (((mac1 >>> 16) & 0xff) === 0) oui = [0x18, 0xfe, 0x34];
  else if (((mac1 >>> 16) & 0xff) === 1) oui = [0xac, 0xd0, 0x74];
  else oui = [0, 0, 0];
  const mac = [...oui, (mac1 >>> 8) & 0xff, mac1 & 0xff, (mac0 >>> 24) & 0xff];
  const chipId = ((mac0 >>> 24) | ((mac1 & 0xffffff) << 8)) >>> 0;
  // Bit 4 of word 0 or bit 16 of word 2 marks the ESP8285 (flash inside the package).
  const is8285 = (mac0 & (1 << 4)) !== 0 || (efuse2 & (1 << 16)) !== 0;
  return { mac, chipId, description: is8285 ? "ESP8285" : "ESP8266EX" };
}

export function formatMac(mac: number[]): string {
  return mac.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** Crystal frequency from the UART divider the ROM auto-bauded to (26 MHz on nearly every board). */
export function crystalMHz(uartDiv: number, baud: number): number {
  const est = (baud * (uartDiv & 0xfffff)) / 1e6 / XTAL_CLK_DIVIDER;
  return est > 33 ? 40 : 26;
}

/**
 * The size to put in the ROM's FLASH_BEGIN. The ROM erases the sectors up to the next 64 KB
 * boundary and then the full requested count again, so asking for exactly what we need would
 * erase up to 64 KB too much. This returns the request that makes the ROM erase just the sectors
 * covering [offset, offset+size) (one extra sector at most, when the head count is odd).
 */
export function romEraseSize(offset: number, size: number): number {
  const sectorsPerBlock = 16;
  const sectors = Math.ceil(size / FLASH_SECTOR_SIZE);
  const start = Math.floor(offset / FLASH_SECTOR_SIZE);
  const head = Math.min(sectorsPerBlock - (start % sectorsPerBlock), sectors);
  if (sectors < 2 * head) return Math.floor((sectors + 1) / 2) * FLASH_SECTOR_SIZE;
  return (sectors - head) * FLASH_SECTOR_SIZE;
}
