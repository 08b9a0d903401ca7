"""Writes a PyTorch fixture file for the tests: the document's header fields indented, then
"cases" with one case a line — small diffs when a case changes, and a file a person can scan.
Shared by the torch-fixtures-*.py scripts that write cases (run from this folder's parent or
anywhere: Python puts the script's own folder on sys.path)."""
import json
from pathlib import Path


def write_cases(out: Path, head: dict, cases: list) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = ",\n".join("  " + json.dumps(c, separators=(",", ":")) for c in cases)
    out.write_text(json.dumps(head, indent=1)[:-2] + ',\n "cases": [\n' + lines + "\n ]\n}\n")
    print(f"wrote {len(cases)} cases to {out}")
