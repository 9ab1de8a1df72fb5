// What can go wrong talking FTP, as typed errors: the login (530), a refused command (4xx/5xx, with
// the code, so the fs layer can word 550 as "No such file or directory"), and everything below that
// (TransportError from the sockets). No message ever carries the password.
import { TransportError, TspyError } from "../../errors.js";

/** The server turned the login down (530), or wanted something we cannot give (332 account). */
export class FtpLoginError extends TransportError {}

/** A command answered with a 4xx/5xx code. `command` is the verb and its argument, never PASS. */
export class FtpReplyError extends TspyError {
  constructor(
    readonly code: number,
    readonly serverText: string,
    readonly command: string,
    where: string,
  ) {
    super(`${where}: ${command} refused: ${code} ${serverText}`.trimEnd());
  }

  /** 550 and its kin: the file or directory is not there, not allowed, or in the way. */
  get isFileError(): boolean {
    return this.code === 550 || this.code === 553 || this.code === 450 || this.code === 452;
  }
}
