// Names in a bundle's requirements/<module>/requirements.txt are PyPI names
// (`adafruit-circuitpython-busdevice`); on the board the same library is a module (`adafruit_bus_device`).

/** Packages that live on the host side of Blinka or only help type checkers: never installed on a board. */
const NOT_FOR_BOARDS = new Set([
  "adafruit-blinka",
  "adafruit-blinka-bleio",
  "adafruit-blinka-displayio",
  "adafruit-circuitpython-typing",
  "circuitpython_typing",
  "circuitpython-typing",
  "typing-extensions",
  "pyserial",
]);

/** Libraries whose module name does not follow from their PyPI name. */
const IRREGULAR: Record<string, string> = {
  adafruit_adafruitio: "adafruit_io",
  adafruit_asyncio: "asyncio",
  adafruit_busdevice: "adafruit_bus_device",
  adafruit_connectionmanager: "adafruit_connection_manager",
  adafruit_display_button: "adafruit_button",
  adafruit_neopixel: "neopixel",
  adafruit_sd: "adafruit_sdcard",
  adafruit_simpleio: "simpleio",
  pimoroni_ltr559: "pimoroni_circuitpython_ltr559",
};

export function isForBoards(name: string): boolean {
  return !NOT_FOR_BOARDS.has(name.toLowerCase());
}

/** `Adafruit-CircuitPython-BusDevice` → `adafruit_bus_device`; `foo.py` → `foo`. */
export function canonicalModuleName(name: string): string {
  let n = name.trim().toLowerCase().replace(/\.m?py$/, "");
  if (n.includes("circuitpython")) n = n.replace(/-circuitpython-/g, "_").replace(/_circuitpython_/g, "_").replace(/-/g, "_");
  return IRREGULAR[n] ?? n;
}

/** The project names a requirements.txt lists, without version specifiers, extras or markers. */
export function requirementNames(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().toLowerCase();
    if (line === "" || line.startsWith("#") || line.startsWith("-")) continue;
    const name = line.split(/[<>=~![;@\s]/)[0]!.trim();
    if (name) out.push(name);
  }
  return out;
}

/** `[circup] circup_dependencies = [...]` (or a single string) from a bundle's pyproject.toml. */
export function circupDependencies(toml: string): string[] {
  let inCircup = false;
  const lines = toml.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/#.*$/, "").trim();
    const table = /^\[([^\]]+)\]$/.exec(line);
    if (table) {
      inCircup = table[1]!.trim() === "circup";
      continue;
    }
    if (!inCircup) continue;
    const m = /^circup_dependencies\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[1]!;
    // An array may run over several lines.
    while (value.startsWith("[") && !value.includes("]") && i + 1 < lines.length) value += lines[++i]!.replace(/#.*$/, "");
    return [...value.matchAll(/"([^"]*)"|'([^']*)'/g)].map((q) => (q[1] ?? q[2] ?? "").trim()).filter(Boolean);
  }
  return [];
}
