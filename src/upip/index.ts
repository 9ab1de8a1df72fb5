// The package installers' public face: upip (PyPI-style indexes, tar.gz sources) and mip (MicroPython's
// index and package.json), both resolving everything into memory before writing through an InstallTarget.
export { stageUpip, type UpipResolveOptions } from "./upip-install.js";
export { stageMip, parseMipSpec, rewriteMipUrl, DEFAULT_MIP_INDEX, type MipResolveOptions, type MipSpec } from "./mip.js";
export { writeStaged, formatReport, type StagedPackage, type InstallReport } from "./staged.js";
export { LocalDirTarget, normaliseTargetPath, type InstallTarget, type MpyVersion } from "./install-target.js";
export { BoardTarget } from "./board-target.js";
export { packForUpip, checkForUpip, applyInstallRules, type PackResult, type CheckResult } from "./pack.js";
export { parseRequirement, parseRequirementsText, type Requirement } from "./requirement.js";
export { DEFAULT_PYPI_INDEX } from "./pypi-index.js";
export * from "./errors.js";
