// WiPy (CC3200) firmware: the image check and the over-the-air update through the board's FTP server.
export { checkCc3200Image, signCc3200Application, Cc3200ImageError, IMAGE_MAX_BYTES, type Cc3200Image } from "./image.js";
export { otaUpdate, describeFirmware, OtaError, UPDATE_PATH, SAFE_BOOT_HINT, type OtaLinks, type OtaOptions, type OtaResult, type FirmwareId } from "./ota.js";
