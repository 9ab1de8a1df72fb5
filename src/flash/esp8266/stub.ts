// Espressif's ESP8266 flasher stub (Apache-2.0 OR MIT), read at run time from the esptool-js
// package that tspy depends on: tspy ships no copy of it.
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { TspyError } from "../../errors.js";

export interface StubImage {
  entry: number;
  text: Buffer;
  textStart: number;
  data: Buffer;
  dataStart: number;
  /** Start of the stub's zeroed data, below its data (absent in older stub files). */
  bssStart?: number;
}

const STUB_JSON = "esptool-js/lib/targets/stub_flasher/esp8266.json";

export async function loadStub(): Promise<StubImage> {
  let path: string;
  try {
    path = createRequire(import.meta.url).resolve(STUB_JSON);
  } catch {
    throw new TspyError("the ESP8266 flasher stub was not found (is the esptool-js package installed?); use --no-stub");
  }
  const json = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  const num = (k: string) => {
    const v = json[k];
    if (typeof v !== "number") throw new TspyError(`${path}: field ${k} missing`);
    return v;
  };
  const b64 = (k: string) => {
    const v = json[k];
    if (typeof v !== "string") throw new TspyError(`${path}: field ${k} missing`);
    return Buffer.from(v, "base64");
  };
  return {
    entry: num("entry"),
    text: b64("text"),
    textStart: num("text_start"),
    data: b64("data"),
    dataStart: num("data_start"),
    bssStart: typeof json.bss_start === "number" ? json.bss_start : undefined,
  };
}
