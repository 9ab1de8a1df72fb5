// UF2 family ids (microsoft/uf2 uf2families.json) and how a bootloader drive's Board-ID names them.
import { UsageError } from "../../errors.js";

export const FAMILIES: Record<string, number> = {
  SAMD21: 0x68ed2b88,
  SAML21: 0x1851780a,
  SAMD51: 0x55114460,
  NRF52: 0x1b57745f,
  NRF52840: 0xada52840,
  STM32F1: 0x5ee21072,
  STM32F4: 0x57755a57,
  ESP8266: 0x7eab61ed,
  ESP32: 0x1c5f21b0,
  ESP32S2: 0xbfdd4eee,
  ESP32S3: 0xc47e5767,
  ESP32C3: 0xd42ba06c,
  RP2040: 0xe48bff56,
  MIMXRT10XX: 0x4fb2d5bd,
};

export function familyName(id: number): string {
  const hit = Object.entries(FAMILIES).find(([, v]) => v === id >>> 0);
  return hit ? hit[0] : `0x${(id >>> 0).toString(16).padStart(8, "0")}`;
}

/** "SAMD21", "samd21" or "0x68ED2B88" → the id. */
export function parseFamily(text: string): number {
  const t = text.trim();
  if (/^0x[0-9a-f]{1,8}$/i.test(t)) return parseInt(t, 16) >>> 0;
  const id = FAMILIES[t.toUpperCase()];
  if (id === undefined) throw new UsageError(`unknown UF2 family "${text}" (known: ${Object.keys(FAMILIES).join(", ")}, or a 0x… id)`);
  return id;
}

/** Board-ID prefixes used by the UF2 bootloaders (uf2-samdx1, pico, Adafruit nRF52, tinyuf2). */
const BOARD_PREFIXES: [RegExp, string][] = [
  [/^SAMD21/i, "SAMD21"],
  [/^SAML21/i, "SAML21"],
  [/^SAM[DE]5[14]/i, "SAMD51"],
  [/^RPI-RP2/i, "RP2040"],
  [/^nRF52840/i, "NRF52840"],
  [/^ESP32-?S2/i, "ESP32S2"],
  [/^ESP32-?S3/i, "ESP32S3"],
  [/^STM32F4/i, "STM32F4"],
];

/** The family a Board-ID belongs to, when it says. */
export function familyOfBoard(boardId: string): number | undefined {
  const hit = BOARD_PREFIXES.find(([re]) => re.test(boardId));
  return hit ? FAMILIES[hit[1]] : undefined;
}
