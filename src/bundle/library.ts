// All the bundles given, grouped by identity: the py flavour is the reference for versions and
// requirements (as circup reads it), an N.x-mpy flavour supplies the files a CircuitPython N board imports.
import { Bundle, flavourLabel, type BundleModule } from "./bundle.js";
import { BundleError } from "./errors.js";

export interface BundleGroup {
  id: string;
  py: Bundle | null;
  mpy: Map<number, Bundle>;
}

export interface ModuleChoice {
  module: BundleModule;
  bundle: Bundle;
}

export class Library {
  readonly groups: BundleGroup[] = [];

  constructor(bundles: Bundle[]) {
    for (const b of bundles) {
      let g = this.groups.find((x) => x.id === b.name.id);
      if (!g) {
        g = { id: b.name.id, py: null, mpy: new Map() };
        this.groups.push(g);
      }
      if (b.name.flavour.kind === "py") g.py ??= b;
      else if (!g.mpy.has(b.name.flavour.major)) g.mpy.set(b.name.flavour.major, b);
    }
  }

  private static members(g: BundleGroup): Bundle[] {
    return [...(g.py ? [g.py] : []), ...g.mpy.values()];
  }

  private groupOf(name: string): BundleGroup | null {
    return this.groups.find((g) => Library.members(g).some((b) => b.modules.has(name))) ?? null;
  }

  has(name: string): boolean {
    return this.groupOf(name) !== null;
  }

  /** Every module name any bundle offers, sorted. */
  names(): string[] {
    const all = new Set<string>();
    for (const g of this.groups) for (const b of Library.members(g)) for (const n of b.modules.keys()) all.add(n);
    return [...all].sort();
  }

  /** The reference copy: versions and repo come from the py bundle when there is one. */
  reference(name: string): ModuleChoice | null {
    const g = this.groupOf(name);
    if (!g) return null;
    for (const b of Library.members(g)) {
      const module = b.modules.get(name);
      if (module) return { module, bundle: b };
    }
    return null;
  }

  /** Project names the module depends on (from whichever flavour carries requirements/). */
  requirementsOf(name: string): string[] {
    const g = this.groupOf(name);
    if (!g) return [];
    for (const b of Library.members(g)) if (b.hasRequirements()) return b.requirementsOf(name);
    return [];
  }

  /**
   * The files to put on a CircuitPython `major` board: the matching .mpy bundle unless `py` is asked for
   * (or the bundle has no build for that release), else the source bundle.
   */
  filesFor(name: string, major: number, py: boolean): ModuleChoice {
    const g = this.groupOf(name);
    if (!g) throw new BundleError(`Unknown module named, '${name}'.`);
    if (!py) {
      const mpy = g.mpy.get(major)?.modules.get(name);
      if (mpy) return { module: mpy, bundle: g.mpy.get(major)! };
    }
    const src = g.py?.modules.get(name);
    if (src) return { module: src, bundle: g.py! };
    const have = Library.members(g).map((b) => flavourLabel(b.name.flavour)).join(", ");
    if (py) throw new BundleError(`${name}: no py bundle of ${g.id} was given (have: ${have}); drop --py or add the -py- bundle`);
    throw new BundleError(`${name}: no bundle for CircuitPython ${major} (have ${g.id} ${have}); add the ${major}.x-mpy or the py bundle`);
  }
}
