"""Fingerprints of a run's tables, to show that a change of code left results unchanged.

A fingerprint is, per table, its shape, its columns and the sha256 of its CSV text with floats
written to 12 significant digits. Two runs with the same fingerprint gave the same tables. The
regression test (``tests/test_regression.py``) compares a run of the small fixture with the stored
fingerprint; ``scripts/regression_fingerprint.py`` writes it anew after an intended change of
method (say so in the commit, with before/after figures).
"""

from __future__ import annotations

import hashlib

import pandas as pd

__all__ = ["table_fingerprints"]


def table_fingerprints(tables: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """Shape, columns and content hash of each table.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame

    Returns
    -------
    dict of str to dict
        Per table: ``rows`` (int), ``columns`` (list of str), ``sha256`` (hex str).

    Examples
    --------
    >>> fp = table_fingerprints({"t": pd.DataFrame({"a": [1.0, 2.0]})})
    >>> fp["t"]["rows"], fp["t"]["columns"]
    (2, ['a'])
    """
    out = {}
    for name in sorted(tables):
        df = tables[name]
        text = df.to_csv(index=False, float_format="%.12g", lineterminator="\n")
        out[name] = {"rows": len(df), "columns": [str(c) for c in df.columns],
                     "sha256": hashlib.sha256(text.encode()).hexdigest()}
    return out
