#!/usr/bin/python3
"""Validates InvarLock reports against the shipped JSON Schema with an independent validator.

Usage: validate_report_schema.py SCHEMA REPORT...
Needs the Debian package python3-jsonschema (run with /usr/bin/python3). Prints "ok" or the first error per
report and exits 1 when any report is invalid.
"""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    bad = 0
    for path in sys.argv[2:]:
        report = json.load(open(path, encoding="utf-8"))
        errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
        if errors:
            bad += 1
            first = errors[0]
            print(f"{path}: invalid at /{'/'.join(map(str, first.absolute_path))}: {first.message}")
        else:
            print(f"{path}: ok")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
