"""A set of observed tables for validation, any years: read from a folder in the shared formats and
file names, or the shipped ones."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.observed.formats import ObservedDataError, read_observed, read_shipped
from sim.observed.shipped import deaths_monthly_2014, monthly, nationality_annual

#: File-name patterns of the observed tables in a folder (``routesim validate --observed DIR``),
#: as the shared data names them; each kind may match at most one file.
OBSERVED_FILES: dict[str, str] = {
    "annual": "frontex_ara*_routes_*.csv",
    "monthly": "frontex_ibc_monthly_by_route_*.csv",
    "nationality": "frontex_ibc_annual_by_route_nationality_*.csv",
    "deaths": "iom_mmp_dead_missing_monthly_by_route_*.csv",
}


#: What ``routesim validate`` names as its observed data when it reads the shipped tables.
SHIPPED_OBSERVED = ("the shipped tables: Frontex detections of illegal border-crossing (Annual Risk Analysis 2015 "
                    "by route and type, 2013-2014; monthly series by route 2009-2014; by nationality "
                    "2013-2014) and IOM Missing Migrants (dead and missing, 2014); sources in sim/data/README.md")


@dataclass(frozen=True)
class ObservedTables:
    """Observed tables for validation, any years, in the shared formats.

    Attributes
    ----------
    monthly : pandas.DataFrame
        Monthly detections by route and type (``year, month, route, type, detections``), the
        revised series; required.
    annual : pandas.DataFrame or None
        Annual detections by route and type (``route, type, year, detections``), the ``Other``
        row kept; years it lacks are compared with the monthly series' sums.
    nationality : pandas.DataFrame or None
        Annual detections by route, type and nationality (the Syrians' split).
    deaths : pandas.DataFrame or None
        IOM dead and missing by route and month (``year, month, route, dead_missing``).
    source : str
        Where the tables came from (a folder, or ``shipped``).
    """

    monthly: pd.DataFrame
    annual: pd.DataFrame | None = None
    nationality: pd.DataFrame | None = None
    deaths: pd.DataFrame | None = None
    source: str = "shipped"


def load_observed(folder: str | Path | None = None) -> ObservedTables:
    """The observed tables of a folder (shared formats and file names), or the shipped ones.

    Parameters
    ----------
    folder : str or Path, optional
        Folder holding files named as :data:`OBSERVED_FILES` (the monthly series is required,
        the others optional). Default: the tables shipped in ``sim/data/`` (Frontex 2013-2014
        annual and by nationality, monthly 2009-2014, IOM deaths 2014).

    Returns
    -------
    ObservedTables

    Raises
    ------
    ObservedDataError
        If the folder is missing, a kind matches several files, the monthly series is missing,
        or a file is malformed (``file:line: field: problem``).

    Examples
    --------
    >>> t = load_observed()
    >>> int(t.monthly.year.max()), sorted(int(y) for y in t.deaths.year.unique())
    (2014, [2014])
    """
    if folder is None:
        return ObservedTables(
            monthly=monthly(),
            annual=read_shipped("frontex_ara2015_routes_2013_2014.csv").astype(
                {"year": int, "detections": int}),
            nationality=nationality_annual(),
            deaths=deaths_monthly_2014(),
        )
    folder = Path(folder)
    if not folder.is_dir():
        raise ObservedDataError(f"{folder}: observed folder not found")
    found: dict[str, pd.DataFrame | None] = {}
    for kind, pattern in OBSERVED_FILES.items():
        matches = sorted(folder.glob(pattern))
        if len(matches) > 1:
            names = ", ".join(m.name for m in matches)
            raise ObservedDataError(f"{folder}: several {kind} tables ({names}); keep one")
        found[kind] = read_observed(matches[0], kind) if matches else None
    if found["monthly"] is None:
        raise ObservedDataError(
            f"{folder}: no monthly series ({OBSERVED_FILES['monthly']}) to compare with"
        )
    return ObservedTables(source=str(folder), **found)
