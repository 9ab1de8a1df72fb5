// FTP: the file side of boards that serve their filesystem over FTP (the WiPy), and plain servers.
export { FtpClient, type FtpClientOptions, type ServerFeatures, type DataOptions } from "./client.js";
export { FtpLoginError, FtpReplyError } from "./errors.js";
export { parseListLine, parseMlsdLine, parseListing, type FtpEntry } from "./listing.js";
export { parseFtpSpec, redactSpec, describeTarget, FTP_DEFAULT_PORT, type FtpTarget } from "./spec.js";
