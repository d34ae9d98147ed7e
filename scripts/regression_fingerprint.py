"""Write the stored fingerprint of the small fixture's tables (tests/regression/small_mechanisms.json).

``tests/regression/small.json`` (the pre-mechanism tables, which the model must still give with the
six mechanisms switched off) is never rewritten.

Run after an intended change of the model's method, and say so in the commit with before/after
figures:

    .venv/bin/python scripts/regression_fingerprint.py

The regression test (tests/test_regression.py) runs the same case and compares.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.fingerprint import table_fingerprints  # noqa: E402
from sim.runner import run_replicate  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

SCENARIO = ROOT / "tests" / "fixtures" / "scenario_small" / "scenario.yaml"
SEED = 7
PERSONS_PER_AGENT = 1  # as in the reference tables recorded before the refactor of issue 8
OUT = ROOT / "tests" / "regression" / "small_mechanisms.json"


def main() -> None:
    sc = load_scenario(SCENARIO).with_overrides(persons_per_agent=PERSONS_PER_AGENT)
    tables = run_replicate(sc, SEED)
    record = {"scenario": "tests/fixtures/scenario_small/scenario.yaml", "seed": SEED,
              "persons_per_agent": PERSONS_PER_AGENT, "tables": table_fingerprints(tables)}
    OUT.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
