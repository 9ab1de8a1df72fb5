// upip's algorithm run on the host: resolve each package on the index, download and unpack its source
// archive, follow requires.txt, and install each package once. Everything is staged before any write.
import { DependencyCycleError } from "./errors.js";
import { downloadRelease, findRelease, DEFAULT_PYPI_INDEX } from "./pypi-index.js";
import { formatRequirement, normaliseName, parseRequirementsText, type Requirement } from "./requirement.js";
import { readTarGz } from "./tar-gz.js";
import { planUpipArchive } from "./upip-members.js";
import type { StagedPackage } from "./staged.js";

const TAR_SLACK = 1 << 20;

export interface UpipResolveOptions {
  /** Tried in order; default PyPI's JSON API. */
  indexes?: string[];
  /** Progress, for a spinner: "resolving foo", "downloading foo 1.0". */
  onStatus?: (text: string) => void;
  /** The target's free bytes, when known: an archive inflating past them stops there (a gzip bomb). */
  freeBytes?: number | null;
}

/**
 * Resolve `requests` and all their dependencies, breadth first as upip does, so the packages nearest the
 * command line decide a version. Each package is installed once; one reached again through its own
 * dependencies is a cycle and refused.
 */
export async function stageUpip(requests: Requirement[], options: UpipResolveOptions = {}): Promise<StagedPackage[]> {
  const indexes = options.indexes?.length ? options.indexes : [DEFAULT_PYPI_INDEX];
  const staged = new Map<string, StagedPackage>();
  const order: StagedPackage[] = [];
  /** Each request with the chain of package names that led to it. */
  const queue: Array<{ req: Requirement; chain: string[] }> = requests.map((req) => ({ req, chain: [] }));

  for (let item = queue.shift(); item; item = queue.shift()) {
    const { req, chain } = item;
    const key = normaliseName(req.name);
    const loopAt = chain.findIndex((c) => normaliseName(c) === key);
    if (loopAt >= 0) {
      throw new DependencyCycleError(`dependency cycle: ${[...chain.slice(loopAt), req.name].join(" → ")}`);
    }
    const already = staged.get(key);
    if (already) {
      if (req.version && req.version !== already.version) {
        already.notes.push(`${chain.at(-1) ?? "the command line"} asked for ${formatRequirement(req)}; kept ${already.version}`);
      }
      continue;
    }
    options.onStatus?.(`resolving ${formatRequirement(req)}`);
    const release = await findRelease(req, indexes);
    options.onStatus?.(`downloading ${release.name} ${release.version}`);
    const label = `${release.name} ${release.version}`;
    // Tar headers and padding count too: allow for them above the free space itself.
    const limits = options.freeBytes != null ? { maxBytes: options.freeBytes + TAR_SLACK, limitName: `the ${options.freeBytes} bytes free on the target` } : {};
    const members = await readTarGz(downloadRelease(release), label, limits);
    const plan = planUpipArchive(members, label);
    const deps = plan.requires ? parseRequirementsText(plan.requires) : [];
    const pkg: StagedPackage = {
      name: release.name,
      version: release.version,
      source: release.url,
      files: plan.files,
      deps: deps.map((d) => d.name),
      notes: req.ignoredConstraint ? [`constraint ${req.ignoredConstraint} not checked; took ${release.version}`] : [],
    };
    staged.set(key, pkg);
    order.push(pkg);
    for (const dep of deps) queue.push({ req: dep, chain: [...chain, req.name] });
  }
  return order;
}
