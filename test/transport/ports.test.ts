// Port discovery reads sysfs; a fake tree in a temp dir stands in for the kernel's.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatPort, listLinuxPorts } from "../../src/transport/ports.js";

let root: string;
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Lay out /sys/class/tty/NAME → devices/.../usbdev/iface/ttyX as the kernel does for a USB serial port. */
function usbTty(name: string, usb: { vid: string; pid: string; serial?: string; manufacturer?: string; product?: string }) {
  const usbDev = path.join(root, "devices", "pci0000:00", `usb-${name}`);
  const iface = path.join(usbDev, `${name}-iface`);
  fs.mkdirSync(iface, { recursive: true });
  fs.writeFileSync(path.join(usbDev, "idVendor"), usb.vid + "\n");
  fs.writeFileSync(path.join(usbDev, "idProduct"), usb.pid + "\n");
  if (usb.serial) fs.writeFileSync(path.join(usbDev, "serial"), usb.serial + "\n");
  if (usb.manufacturer) fs.writeFileSync(path.join(usbDev, "manufacturer"), usb.manufacturer + "\n");
  if (usb.product) fs.writeFileSync(path.join(usbDev, "product"), usb.product + "\n");
  const ttyDir = path.join(root, "class", "tty", name);
  fs.mkdirSync(ttyDir, { recursive: true });
  fs.symlinkSync(iface, path.join(ttyDir, "device"));
}

describe("serial port discovery (sysfs)", () => {
  it("finds USB serial ports with VID:PID, serial number, manufacturer; ignores ttys without hardware", () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "sysfs-"));
    usbTty("ttyUSB0", { vid: "10c4", pid: "ea60", serial: "0001", manufacturer: "Silicon Labs", product: "CP2102" });
    usbTty("ttyACM10", { vid: "2e8a", pid: "0005", serial: "E6614C311B", manufacturer: "MicroPython", product: "Board in FS mode" });
    usbTty("ttyACM2", { vid: "f055", pid: "9800" });
    fs.mkdirSync(path.join(root, "class", "tty", "tty0"), { recursive: true }); // a console: no device link
    const ports = listLinuxPorts(root);
    expect(ports.map((p) => p.path)).toEqual(["/dev/ttyACM2", "/dev/ttyACM10", "/dev/ttyUSB0"]);
    expect(ports[1]).toMatchObject({ vid: 0x2e8a, pid: 0x0005, serialNumber: "E6614C311B", manufacturer: "MicroPython" });
    expect(formatPort(ports[2])).toBe("/dev/ttyUSB0 0001 10c4:ea60 Silicon Labs CP2102");
    expect(formatPort(ports[0])).toBe("/dev/ttyACM2 None f055:9800 None None");
  });

  it("returns nothing when there is no sysfs", () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "sysfs-"));
    expect(listLinuxPorts(root)).toEqual([]);
  });
});
