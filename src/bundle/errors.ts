// What can go wrong with CircuitPython bundles, as typed errors the CLI prints in one line.
import { TspyError } from "../errors.js";

/** Any refusal of the bundle installer; the message names the module, bundle or file concerned. */
export class BundleError extends TspyError {}

/** A bundle archive that is not a zip we can read, is damaged, or holds an unsafe entry. */
export class ZipError extends BundleError {}

/** A module name that no bundle provides. */
export class UnknownModuleError extends BundleError {}

/** The board (or drive) does not look like CircuitPython: no readable boot_out.txt. */
export class NotCircuitPythonError extends BundleError {}
