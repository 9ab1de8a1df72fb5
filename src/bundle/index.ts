// CircuitPython library bundles, installed the way circup does it.
export { Bundle, parseBundleName, flavourLabel, type Flavour, type BundleModule } from "./bundle.js";
export { Library } from "./library.js";
export { parseBootOut, infoFromVersion, type CircuitPythonInfo } from "./boot-out.js";
export { ReplDevice, DriveDevice, type CircuitPyDevice } from "./device.js";
export { scanInstalled, LIB_DIR, type InstalledModule } from "./installed.js";
export { CircupManager, type ModuleStatus, type ModuleCompiler } from "./manager.js";
export { loadBundles, loadBundle, DEFAULT_BUNDLES } from "./sources.js";
export { readZip, unsafeEntryName } from "./zip-reader.js";
export { metadataFromPy, metadataFromMpy, mpyCompat } from "./module-metadata.js";
export { canonicalModuleName, requirementNames } from "./requirements.js";
export { resolveDependencies } from "./resolve.js";
export * from "./errors.js";
export { programImports, importedModules, CODE_FILES } from "./auto-imports.js";
