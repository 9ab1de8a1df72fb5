// Serial port discovery for `tspy devs` and `--device auto`. On Linux the kernel's sysfs already
// says which tty hangs off which USB device, so we read it directly (fast, and works without udev);
// elsewhere we ask the serialport package.
import fs from "node:fs";
import path from "node:path";

export interface PortInfo {
  path: string;
  vid?: number;
  pid?: number;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
}

/** USB vendor ids of boards and USB-serial bridges that MicroPython boards use. */
export const KNOWN_VENDORS: ReadonlyMap<number, string> = new Map([
  [0x303a, "Espressif"],
  [0x10c4, "Silicon Labs CP210x"],
  [0x1a86, "WCH CH340/CH9102"],
  [0x0403, "FTDI"],
  [0x067b, "Prolific"],
  [0x239a, "Adafruit"],
  [0x2e8a, "Raspberry Pi"],
  [0xf055, "MicroPython"],
  [0x2341, "Arduino"],
  [0x2886, "Seeed"],
  [0x0d28, "ARM mbed (micro:bit)"],
  [0x1366, "SEGGER J-Link"],
  [0x0483, "STMicroelectronics"],
]);

function readSysfs(dir: string, name: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, name), "utf8").trim();
  } catch {
    return undefined;
  }
}

/** `sysRoot` lets tests point the walk at a fake sysfs tree. */
export function listLinuxPorts(sysRoot = "/sys"): PortInfo[] {
  const base = path.join(sysRoot, "class", "tty");
  let names: string[];
  try {
    names = fs.readdirSync(base);
  } catch {
    return [];
  }
  const ports: PortInfo[] = [];
  for (const name of names) {
    const devLink = path.join(base, name, "device");
    if (!fs.existsSync(devLink)) continue; // virtual consoles and ptys have no device
    let dir = fs.realpathSync(devLink);
    const driver = readSysfs(devLink, "driver") ?? "";
    // Legacy 8250 placeholders (ttyS*) with no hardware behind them are noise.
    if (/^ttyS\d+$/.test(name) && !fs.existsSync(path.join(dir, "..", "idVendor")) && driver === "") continue;
    const info: PortInfo = { path: `/dev/${name}` };
    // Walk up to the USB device that carries idVendor/idProduct.
    for (let i = 0; i < 5 && dir !== "/"; i++, dir = path.dirname(dir)) {
      const vid = readSysfs(dir, "idVendor");
      if (vid) {
        info.vid = parseInt(vid, 16);
        info.pid = parseInt(readSysfs(dir, "idProduct") ?? "0", 16);
        info.serialNumber = readSysfs(dir, "serial");
        info.manufacturer = readSysfs(dir, "manufacturer");
        info.product = readSysfs(dir, "product");
        break;
      }
    }
    if (/^ttyS\d+$/.test(name) && info.vid === undefined) continue;
    ports.push(info);
  }
  return ports.sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true }));
}

export async function listPorts(): Promise<PortInfo[]> {
  if (process.platform === "linux") return listLinuxPorts();
  const { SerialPort } = await import("serialport");
  const ports = await SerialPort.list();
  return ports
    .map((p) => ({
      path: p.path,
      vid: p.vendorId ? parseInt(p.vendorId, 16) : undefined,
      pid: p.productId ? parseInt(p.productId, 16) : undefined,
      serialNumber: p.serialNumber,
      manufacturer: p.manufacturer,
    }))
    .sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true }));
}

export function hex4(n: number | undefined): string {
  return n === undefined ? "----" : n.toString(16).padStart(4, "0");
}

/** One line per port, as mpremote's `devs` prints them: path, serial, VID:PID, manufacturer, product. */
export function formatPort(p: PortInfo): string {
  const id = p.vid === undefined ? "0000:0000" : `${hex4(p.vid)}:${hex4(p.pid)}`;
  return [p.path, p.serialNumber ?? "None", id, p.manufacturer ?? "None", p.product ?? "None"].join(" ");
}
