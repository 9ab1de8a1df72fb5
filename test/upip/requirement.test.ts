import { describe, expect, it } from "vitest";
import { normaliseName, parseRequirement, parseRequirementsText } from "../../src/upip/requirement.js";
import { compareVersions } from "../../src/upip/pypi-index.js";
import { UsageError } from "../../src/errors.js";

describe("requirements", () => {
  it("reads names, pins, and constraints it does not resolve", () => {
    expect(parseRequirement("pycopy-foo")).toEqual({ name: "pycopy-foo" });
    expect(parseRequirement("  micropython-os.path==0.1.3  # pinned")).toEqual({ name: "micropython-os.path", version: "0.1.3" });
    expect(parseRequirement("foo[extra] >= 1.0 ; python_version > '3'")).toEqual({ name: "foo", ignoredConstraint: ">= 1.0" });
    expect(parseRequirement("# only a comment")).toBeNull();
    expect(() => parseRequirement("../../etc")).toThrow(UsageError);
    expect(() => parseRequirement("foo bar")).toThrow(UsageError);
  });

  it("stops requires.txt at the first [extra] section", () => {
    expect(parseRequirementsText("a\r\nb==2\n\n[test]\npytest\n")).toEqual([{ name: "a" }, { name: "b", version: "2" }]);
  });

  it("normalises names as PEP 503 does", () => {
    expect(normaliseName("Pycopy_Foo.Bar")).toBe("pycopy-foo-bar");
  });

  it("orders versions", () => {
    const shuffled = ["1.10", "1.0.post1", "0.9", "1.0", "1.2", "1.0rc1", "1.0.1"];
    expect(compareVersions("1.0", "1.0.0")).toBe(0);
    expect(compareVersions("2", "2.0rc1")).toBeGreaterThan(0);
    expect([...shuffled].sort(compareVersions)).toEqual(["0.9", "1.0rc1", "1.0", "1.0.post1", "1.0.1", "1.2", "1.10"]);
  });
});
