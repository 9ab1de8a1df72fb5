// What can go wrong while installing a package, as typed errors the CLI prints in one line.
import { TspyError } from "../errors.js";

/** Any refusal of the installer: the message names the package or file concerned. */
export class InstallError extends TspyError {}

/** The index has no such package, version or file. */
export class PackageNotFoundError extends InstallError {}

/** The index or a download URL could not be reached or answered with an HTTP error. */
export class FetchError extends InstallError {}

/** A downloaded archive is not a gzip'd tar, is cut short, or holds something unsafe to install. */
export class ArchiveError extends InstallError {}

/** A downloaded file's content does not match the hash the index published for it. */
export class HashMismatchError extends InstallError {}

/** Package A needs B which (through others) needs A again. */
export class DependencyCycleError extends InstallError {}
