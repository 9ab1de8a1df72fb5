// esptool's FatalError, shared by the commands that raise it and the entry point that words it.
import { TspyError } from "../../errors.js";

/** esptool's FatalError: its "A fatal error occurred: ..." line and exit status 2. */
export class EsptoolFatalError extends TspyError {
  constructor(message: string) {
    super(`A fatal error occurred: ${message}`, 2);
  }
}
