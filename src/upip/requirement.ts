// Package specifications as users and requires.txt write them: `name`, `name==1.2`.
import { UsageError } from "../errors.js";

export interface Requirement {
  name: string;
  /** An exact version (`==`), or undefined for the index's latest. */
  version?: string;
  /** A constraint tspy does not resolve (`>=1.0`): reported, and the latest version is taken. */
  ignoredConstraint?: string;
}

const CLAUSE = /^(?:===|==|>=|<=|~=|!=|>|<)\s*[A-Za-z0-9*][A-Za-z0-9.*+!_-]*$/;
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** PEP 503 normalisation, so that `Foo_Bar` and `foo-bar` count as one package. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/**
 * Parse one specification. Extras (`[x]`) and environment markers (`; python_version…`) mean nothing on a
 * board and are dropped; comments and blank lines give null.
 */
export function parseRequirement(line: string): Requirement | null {
  let text = line.replace(/#.*$/, "").trim();
  if (!text) return null;
  text = text.split(";")[0]!.trim();
  const m = /^([^\s=<>!~[(]+)\s*(?:\[[^\]]*\])?\s*(.*)$/.exec(text);
  if (!m || !NAME.test(m[1]!)) throw new UsageError(`not a package name: ${JSON.stringify(line.trim())}`);
  const name = m[1]!;
  const rest = m[2]!.replace(/^\((.*)\)$/, "$1").trim();
  if (!rest) return { name };
  const pin = /^==\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)$/.exec(rest);
  if (pin) return { name, version: pin[1]! };
  // Every clause of a constraint must name a version: `okpkg===` or `x>=1,` is a typo, not "any version".
  if (rest.split(",").every((c) => CLAUSE.test(c.trim()))) return { name, ignoredConstraint: rest };
  throw new UsageError(`cannot read the version in ${JSON.stringify(line.trim())}`);
}

/** The lines of a requires.txt or requirements.txt up to the first `[extra]` section. */
export function parseRequirementsText(text: string): Requirement[] {
  const out: Requirement[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*\[/.test(line)) break;
    if (/^\s*-/.test(line)) throw new UsageError(`options in requirement files are not supported: ${line.trim()}`);
    const req = parseRequirement(line);
    if (req) out.push(req);
  }
  return out;
}

export function formatRequirement(req: Requirement): string {
  return req.version ? `${req.name}==${req.version}` : req.name;
}
