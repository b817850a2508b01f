#!/usr/bin/env python3
"""Dependency audit for CI: `dotnet list package --vulnerable --include-transitive` on the CLI, with an explicit outcome.

The outcome is written as JSON (format invarlock-dependency-audit-v1) and is one of:
  clean                  the package source serves vulnerability data and no package is affected
  vulnerable             some package is affected and not covered by .ci/audit-exceptions.txt (exit 1)
  no-vulnerability-data  the package source serves no vulnerability data, so nothing was checked: never reported as
                         clean (exit 0 with a loud warning; exit 1 when INVARLOCK_AUDIT_REQUIRE_DATA=1)
Exceptions: one per line in the exceptions file, "ADVISORY-ID PACKAGE EXPIRES(YYYY-MM-DD) reason..."; an expired
exception no longer covers its finding (docs/security/deployment-checklist.md, "Dependency audit exceptions").
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import urllib.request


def has_vulnerability_data(source):
    """True when the source's service index offers a VulnerabilityInfo resource (what NuGet's audit reads)."""
    if not source.startswith("http"):
        return False, "a local folder source serves no vulnerability data"
    try:
        with urllib.request.urlopen(source, timeout=30) as response:
            index = json.load(response)
    except Exception as e:  # noqa: BLE001 - any failure means the data could not be had
        return False, f"service index unreadable ({e})"
    types = [r.get("@type", "") for r in index.get("resources", [])]
    if any(t.startswith("VulnerabilityInfo") for t in types):
        return True, "VulnerabilityInfo resource present"
    return False, "the service index has no VulnerabilityInfo resource"


def read_exceptions(path, today):
    active, expired = {}, []
    if not os.path.exists(path):
        return active, expired
    for raw in open(path, encoding="utf-8"):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 3)
        if len(parts) < 3:
            sys.exit(f"{path}: malformed exception line '{line}' (expected ADVISORY-ID PACKAGE YYYY-MM-DD reason)")
        advisory, package, expires = parts[0], parts[1], datetime.date.fromisoformat(parts[2])
        entry = {"advisory": advisory, "package": package, "expires": parts[2], "reason": parts[3] if len(parts) > 3 else ""}
        if expires >= today:
            active[(advisory.lower(), package.lower())] = entry
        else:
            expired.append(entry)
    return active, expired


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", required=True)
    parser.add_argument("--exceptions", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    today = datetime.date.today()
    listing = subprocess.run(["dotnet", "list", args.project, "package", "--vulnerable", "--include-transitive", "--format", "json"],
                             check=True, capture_output=True, text=True).stdout
    report = json.loads(listing)
    sources = report.get("sources", [])
    data = [(s,) + has_vulnerability_data(s) for s in sources]
    findings = []
    for project in report.get("projects", []):
        for framework in project.get("frameworks", []):
            for kind in ("topLevelPackages", "transitivePackages"):
                for package in framework.get(kind, []):
                    for v in package.get("vulnerabilities", []):
                        url = v.get("advisoryurl", "")
                        findings.append({"package": package["id"], "version": package.get("resolvedVersion"), "severity": v.get("severity"),
                                         "advisory": url.rstrip("/").rsplit("/", 1)[-1], "url": url})
    active, expired = read_exceptions(args.exceptions, today)
    excepted = [f for f in findings if (f["advisory"].lower(), f["package"].lower()) in active]
    open_findings = [f for f in findings if f not in excepted]
    has_data = bool(data) and all(d[1] for d in data)
    status = "vulnerable" if open_findings else ("clean" if has_data else "no-vulnerability-data")
    result = {
        "format": "invarlock-dependency-audit-v1",
        "status": status,
        "checked_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "project": args.project,
        "sources": [{"source": s, "vulnerability_data": ok, "detail": why} for s, ok, why in data],
        "findings": open_findings,
        "excepted": excepted,
        "expired_exceptions": expired,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"dependency audit: {status} ({len(open_findings)} open finding(s), {len(excepted)} excepted) -> {args.out}")
    if status == "no-vulnerability-data":
        print("WARNING: dependency audit NOT performed: the package source serves no vulnerability data "
              "(" + "; ".join(f"{s}: {why}" for s, _, why in data) + "). This is not a clean result.", file=sys.stderr)
        return 1 if os.environ.get("INVARLOCK_AUDIT_REQUIRE_DATA") == "1" else 0
    for f in open_findings:
        print(f"VULNERABLE: {f['package']} {f['version']} {f['severity']} {f['url']}", file=sys.stderr)
    return 1 if open_findings else 0


if __name__ == "__main__":
    sys.exit(main())
