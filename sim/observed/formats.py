"""Reading observed tables: a shipped CSV of ``sim/data/``, and a table in one of the shared formats
with every cell it needs checked (errors as ``file:line: field: problem``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

IOM_RENAME = {"Western African Atlantic": "Western African"}


def read_shipped(name: str, **kwargs) -> pd.DataFrame:
    """Read a shipped CSV; only empty cells are missing (so ``NA`` stays a string)."""
    path = resources.files("sim").joinpath("data", name)
    with path.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, keep_default_na=False, na_values=[""], **kwargs)


#: The shared observed formats (``../shared/data/``): kind -> (required columns, integer columns).
#: ``annual``: annual detections by route and type (``frontex_ara2015_routes_2013_2014.csv``, extra
#: columns such as ``status`` and ``source`` allowed); ``monthly``: revised monthly detections by
#: route (``frontex_ibc_monthly_by_route_2009_2014.csv``); ``nationality``: annual detections by
#: route and nationality (``frontex_ibc_annual_by_route_nationality_2013_2014.csv``); ``groups``:
#: nationality to origin group (``nationality_groups.csv``); ``deaths``: IOM dead and missing by
#: route and month (``iom_mmp_dead_missing_monthly_by_route_2014.csv``).
OBSERVED_FORMATS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "annual": (("route", "type", "year", "detections"), ("year", "detections")),
    "monthly": (("year", "month", "route", "type", "detections"), ("year", "month", "detections")),
    "nationality": (("year", "route", "type", "nat_iso3", "detections"), ("year", "detections")),
    "groups": (("nat_iso3", "origin_group"), ()),
    "deaths": (("year", "month", "route", "dead_missing"), ("year", "month", "dead_missing")),
}


class ObservedDataError(ValueError):
    """A bad observed table: the message is one line ``file:line: field: problem``."""


def read_observed(path: str | Path, kind: str) -> pd.DataFrame:
    """Read an observed table in one of the shared formats, checking every cell it needs.

    Parameters
    ----------
    path : str or Path
        CSV file (UTF-8, header row) in the format ``kind`` of :data:`OBSERVED_FORMATS`.
    kind : str
        One of ``annual``, ``monthly``, ``nationality``, ``groups``, ``deaths``.

    Returns
    -------
    pandas.DataFrame
        The file's rows with the required columns first (integer columns as ``int``; other
        columns kept after them). Only empty cells are missing (``NA`` is a string). For
        ``deaths``, IOM's ``Western African Atlantic`` is renamed ``Western African``; for
        ``annual``, the non-route ``Other`` row is kept (callers leave it out of route rows).

    Raises
    ------
    ObservedDataError
        ``file:line: field: problem`` for the first missing file, missing column, empty cell,
        non-integer or negative count, month outside 1-12 or duplicate key (line numbers count the
        header as line 1).
    KeyError
        If ``kind`` is unknown.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "m.csv")
    >>> _ = open(p, "w").write("year,month,route,type,detections\\n2015,1,Black Sea,Sea,x\\n")
    >>> try:
    ...     read_observed(p, "monthly")
    ... except ObservedDataError as err:
    ...     print(str(err).split(": ", 1)[1])
    detections: not a whole number: 'x'
    """
    columns, integers = OBSERVED_FORMATS[kind]
    keys = tuple(c for c in columns if c not in ("detections", "dead_missing", "origin_group"))
    df = read_csv_table(path, columns, integers, keys)
    if kind == "deaths":
        df["route"] = df["route"].replace(IOM_RENAME)
    return df


def read_csv_table(
    path: str | Path,
    columns: tuple[str, ...],
    integers: tuple[str, ...] = (),
    keys: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Read a CSV table, checking required columns, empty cells, whole numbers and unique keys.

    Parameters
    ----------
    path : str or Path
        UTF-8 CSV file with a header row.
    columns : tuple of str
        Required columns (no empty cell allowed in them).
    integers : tuple of str
        Columns that must hold non-negative whole numbers (returned as ``int``); ``month`` also
        1-12.
    keys : tuple of str
        Columns whose combination must be unique.

    Returns
    -------
    pandas.DataFrame
        Required columns first, then any others (as text).

    Raises
    ------
    ObservedDataError
        ``file:line: field: problem`` (the header is line 1).
    """
    path = Path(path)
    shown = str(path)
    try:
        df = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=str, encoding="utf-8")
    except FileNotFoundError:
        raise ObservedDataError(f"{shown}: file not found") from None
    except OSError as err:
        raise ObservedDataError(f"{shown}: cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise ObservedDataError(f"{shown}: not UTF-8 text ({err.reason})") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else "empty file"
        raise ObservedDataError(f"{shown}: not a CSV table: {first}") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ObservedDataError(f"{shown}:1: header: missing column(s) {', '.join(missing)}")
    for column in columns:
        empty = df[column].isna()
        if empty.any():
            line = int(empty.to_numpy().argmax()) + 2
            raise ObservedDataError(f"{shown}:{line}: {column}: empty cell")
    for column in integers:
        values = pd.to_numeric(df[column].str.strip(), errors="coerce")
        bad = values.isna() | (values % 1 != 0) | (values < 0)
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise ObservedDataError(
                f"{shown}:{i + 2}: {column}: not a whole number: {df[column].iloc[i]!r}"
                if values.isna().iloc[i] or values.iloc[i] % 1 != 0
                else f"{shown}:{i + 2}: {column}: negative: {df[column].iloc[i]!r}"
            )
        df[column] = values.astype(int)
    if "month" in integers:
        bad = ~df["month"].between(1, 12)
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise ObservedDataError(f"{shown}:{i + 2}: month: not 1-12: {df['month'].iloc[i]}")
    keys = list(keys)
    dup = df.duplicated(keys) if keys else pd.Series(False, index=df.index)
    if dup.any():
        i = int(dup.to_numpy().argmax())
        key = ", ".join(f"{k}={df[k].iloc[i]}" for k in keys)
        raise ObservedDataError(f"{shown}:{i + 2}: {keys[-1]}: duplicate row ({key})")
    rest = [c for c in df.columns if c not in columns]
    return df[[*columns, *rest]].reset_index(drop=True)
