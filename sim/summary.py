"""The terminal summary of a run: detections by route against Frontex, and validation lines.

Formatting only: the caller prints the text, and :mod:`sim.io` saves it as ``summary.txt``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["format_summary", "format_validation"]


def _count(value: float) -> str:
    """A person count with thousands separators, ``-`` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.0f}"


def _percent(value: float) -> str:
    """A signed percentage with one decimal, ``-`` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{100 * value:+.1f} %"


def _share(value: float) -> str:
    """A share (0-1) as a whole percentage, ``-`` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{100 * value:.0f} %"


#: The model's row of the ARD tables: its ARD is that of the replicates' mean series.
MODEL_ARD_LABEL = "model (replicates' mean series)"
#: Printed above the first ARD table: why the model's ARD can lie outside its replicates' range.
ARD_NOTE = [
    "  The model's ARD is that of the replicates' mean monthly series. Averaging cancels part of",
    "  the replicates' errors, so it is at most the mean of the single replicates' ARDs and can lie",
    "  below their p05-p95.",
]
#: What the deaths tables' ``Total`` row sums (:func:`sim.validation.routes.deaths_matrix`).
DEATHS_TOTAL_NOTE = "Total: the routes with an observed figure"
#: The ``source`` of validation rows without an observed figure (:mod:`sim.validation.table`).
NO_FIGURE = "no observed figure"
#: Measures whose validation block says so when nothing was observed in a year, and what it names.
UNOBSERVED = {"deaths": "deaths", "syrians": "Syrians", "syrians_share": "Syrians' split"}
#: Observed counts below this many persons get no relative error in the printed table (the
#: validation table keeps it): against 1 person (Black Sea, 2012) a miss of 6,000 is +600,000 %.
MIN_OBSERVED_FOR_PERCENT = 100
#: Printed once under the first detections table: what its observed ``Total`` counts (Frontex's
#: "Other" is none of the ten pairs: 4 detections in 2013, 10 in 2014, in the shipped tables).
DETECTIONS_TOTAL_NOTE = ["  Observed Total: every route of the source in the title, 'Other' (none of the ten pairs) too."]
#: How a year wholly inside or outside the calibration window is titled (its window rows are the
#: same months: printed once).
WHOLE_YEAR = {"in_window": "whole year in the calibration window",
              "out_of_window": "whole year outside the calibration window"}
#: What an interval cell says when there is a single replicate (the figures say the same).
ONE_REPLICATE = "n/a"


def _interval(low: float, high: float, fmt=None, replicates: int | None = None) -> str:
    """A p05-p95 interval ``low-high``; :data:`ONE_REPLICATE` when there is one replicate."""
    if replicates is not None and int(replicates) <= 1:
        return ONE_REPLICATE
    fmt = fmt or _count
    return f"{fmt(low)}-{fmt(high)}"


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    """Fixed-width lines: columns padded to their widest cell, right-aligned where asked."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        parts = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return [line(header), rule, *(line(r) for r in rows)]


def format_summary(
    by_route_df: pd.DataFrame,
    extra: Mapping[str, Any] | None = None,
    *,
    replicates: int | None = None,
) -> str:
    """Format the detections-by-route table and validation figures as fixed-width text.

    Parameters
    ----------
    by_route_df : pandas.DataFrame
        The output of :func:`sim.validation.detections_by_route`: columns ``route, type,
        observed_<year>, simulated_mean, simulated_p05, simulated_p95, relative_error`` (persons;
        the relative error as a fraction).
    extra : mapping, optional
        Further lines, each optional:

        - ``"title"`` (str): a first line, e.g. scenario name, seeds and replicates;
        - ``"averaged_relative_difference"`` (float): monthly ARD over the ten pairs;
        - ``"syrian_split"`` (dict): the output of :func:`sim.validation.syrian_split`;
        - ``"deaths_by_route"`` (DataFrame): the output of :func:`sim.validation.deaths_by_route`;
        - any other key: printed as ``key: value``.
    replicates : int, optional
        Number of replicates; with 1, every p05-p95 cell says ``n/a`` (one replicate has no
        interval) instead of repeating the single value as ``x-x``.

    Returns
    -------
    str
        Lines separated by ``\\n``, ending with a newline. Counts are persons with thousands
        separators; ``-`` marks a missing figure.

    Examples
    --------
    >>> t = pd.DataFrame({"route": ["Black Sea", "Total"], "type": ["Sea", ""],
    ...     "observed_2014": [433.0, 283532.0], "simulated_mean": [500.0, 500.0],
    ...     "simulated_p05": [410.0, 410.0], "simulated_p95": [590.0, 590.0],
    ...     "relative_error": [0.1547, -0.9982]})
    >>> print(format_summary(t), end="")
    Detections of illegal border-crossing 2014, by Frontex route (persons)
    route      type  observed  simulated mean  p05-p95  rel. error
    ---------  ----  --------  --------------  -------  ----------
    Black Sea  Sea        433             500  410-590     +15.5 %
    Total             283,532             500  410-590     -99.8 %
    """
    extra = dict(extra or {})
    obs_col = next(c for c in by_route_df.columns if c.startswith("observed_"))
    year = obs_col.removeprefix("observed_")
    lines: list[str] = []
    if "title" in extra:
        lines.append(str(extra.pop("title")))
    lines.append(f"Detections of illegal border-crossing {year}, by Frontex route (persons)")
    rows = [
        [
            str(r["route"]),
            str(r["type"]),
            _count(r[obs_col]),
            _count(r["simulated_mean"]),
            _interval(r["simulated_p05"], r["simulated_p95"], replicates=replicates),
            _percent(r["relative_error"]),
        ]
        for _, r in by_route_df.iterrows()
    ]
    header = ["route", "type", "observed", "simulated mean", "p05-p95", "rel. error"]
    lines += _table(header, rows, right={2, 3, 5})

    ard = extra.pop("averaged_relative_difference", None)
    if ard is not None:
        lines.append("")
        lines.append(
            f"Averaged relative difference, monthly {year}, ten route/type pairs: {ard:.3f}"
        )

    split = extra.pop("syrian_split", None)
    if split:
        lines.append("")
        lines.append(f"Syrians {year} by route (observed: Frontex detections by nationality, SYR)")
        srows = [
            [
                label,
                _count(v["observed"]),
                _share(v["observed_share"]),
                _count(v["simulated_mean"]),
                _interval(v["simulated_p05"], v["simulated_p95"], replicates=replicates),
                _share(v["simulated_share"]),
            ]
            for label, v in split.items()
        ]
        sheader = ["route/type", "observed", "share", "simulated mean", "p05-p95", "share"]
        lines += ["  " + s for s in _table(sheader, srows, right={1, 2, 3, 5})]

    deaths = extra.pop("deaths_by_route", None)
    if deaths is not None and len(deaths):
        dobs = next(c for c in deaths.columns if c.startswith("observed_"))
        lines.append("")
        lines.append(
            f"Deaths {dobs.removeprefix('observed_')} by Frontex route, on its sea and land "
            f"segments (observed: IOM Missing Migrants, dead and missing; {DEATHS_TOTAL_NOTE})"
        )
        drows = [
            [
                str(r["route"]),
                _count(r[dobs]),
                _count(r["simulated_mean"]),
                _interval(r["simulated_p05"], r["simulated_p95"], replicates=replicates),
            ]
            for _, r in deaths.iterrows()
        ]
        lines += [
            "  " + s
            for s in _table(["route", "observed", "simulated mean", "p05-p95"], drows, right={1, 2})
        ]

    if extra:
        lines.append("")
        lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def _ard_verdict(block: pd.DataFrame) -> list[str]:
    """One line saying whether the model's ARD beats the better naive forecast of the block."""
    ards = {str(r["route"]): float(r["simulated_mean"]) for _, r in block.iterrows()
            if not math.isnan(float(r["simulated_mean"]))}
    naive = {k: v for k, v in ards.items() if k.startswith("naive")}
    if "model" not in ards:
        return []
    if not naive:
        return ["  No naive forecast to compare with: both need the observed monthly series of the year before."]
    name, best = min(naive.items(), key=lambda kv: kv[1])
    model = ards["model"]
    # on the printed (rounded) figures, so that the words never contradict the numbers beside them
    verdict = "better than" if round(model, 3) < round(best, 3) else "no better than"
    return [f"  The model ({model:.3f}) is {verdict} the better naive forecast, {name} ({best:.3f})."]


def format_validation(table: pd.DataFrame, *, replicates: int | None = None) -> str:
    """Format a validation table (:func:`sim.validation.validation_table`) as fixed-width text.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns of :data:`sim.validation.VALIDATION_COLUMNS`, one or several years.
    replicates : int, optional
        Number of replicates; with 1, every p05-p95 cell says ``n/a``.

    Returns
    -------
    str
        One block per year and measure (detections by scope, Syrians, deaths, ARD), ending with
        a newline; ``-`` marks a missing figure. A year wholly inside (or outside) the calibration
        window is printed once, its title saying so: its ``in_window`` (``out_of_window``) rows are
        the same months. The detections titles name the observed source.
    """
    lines: list[str] = []
    titles = {
        "detections": "Detections by Frontex route (persons)",
        "syrians": "Syrians by route (persons; observed: detections by nationality, SYR)",
        "syrians_share": "Syrians' split (share of the three pairs)",
        "deaths": "Deaths by Frontex route, on its sea and land segments (observed: IOM dead and "
                  f"missing; {DEATHS_TOTAL_NOTE})",
    }
    ard_noted = total_noted = False
    for year, by_year in table.groupby("year", sort=True):
        # one window scope only: the window holds all twelve months of the year, or none of them
        windowed = [w for w in WHOLE_YEAR if (by_year["scope"] == w).any()]
        whole = WHOLE_YEAR[windowed[0]] if len(windowed) == 1 else None
        for (measure, scope), block in by_year.groupby(["measure", "scope"], sort=False):
            if whole is not None and scope != "year":
                continue  # the year's own rows, once
            lines.append("")
            if measure == "ard":
                lines.append(f"{year} averaged relative difference, monthly, ten pairs ({scope}"
                             + (f", {whole}" if whole and scope == "year" else "") + "; 0 is perfect)")
                if not ard_noted:
                    lines += ARD_NOTE
                    ard_noted = True
                rows = [[MODEL_ARD_LABEL if r["route"] == "model" else str(r["route"]),
                         f"{r['simulated_mean']:.3f}",
                         "-" if math.isnan(r["simulated_p05"]) or r["route"] != "model"
                         else _interval(r["simulated_p05"], r["simulated_p95"], "{:.3f}".format,
                                        replicates)]
                        for _, r in block.iterrows()]
                lines += _table(["forecaster", "ARD", "single replicates' ARDs p05-p95"], rows,
                                right={1})
                lines += _ard_verdict(block)
                continue
            share = measure == "syrians_share"
            fmt = _share if share else _count
            title = f"{year} {titles.get(measure, measure)}"
            source = str(block["source"].iloc[0])
            if measure == "detections":  # which observed figures: the annual table's or the monthly series'
                title = title.removesuffix(")") + ("; no observed figure)" if source.startswith(NO_FIGURE)
                                                   else f"; observed: {source})")
            lines.append(title + (f", {scope}" if scope != "year"
                                  else f", {whole}" if whole and measure == "detections" else ""))
            if measure == "detections" and not total_noted:
                lines += DETECTIONS_TOTAL_NOTE
                total_noted = True
            sources = block["source"].astype(str)
            if measure in UNOBSERVED and sources.str.startswith(NO_FIGURE).all():
                why = sources.iloc[0].removeprefix(NO_FIGURE).lstrip(": ")
                lines.append(f"  (no observed {UNOBSERVED[measure]} for {year}: the observed column "
                             "is empty" + (f"; {why})" if why else ")"))
            # deaths are by route only (sea and land segments together): no type column
            typed = measure != "deaths"
            # a share is never "few persons"; NaN (nothing observed) compares False
            tiny = [not share and 0 <= r["observed"] < MIN_OBSERVED_FOR_PERCENT for _, r in block.iterrows()]
            few = [str(r["route"]) + (f"/{r['type']}" if typed else "")
                   for (_, r), t in zip(block.iterrows(), tiny, strict=True) if t]
            rows = [[str(r["route"]), *([str(r["type"])] if typed else []), fmt(r["observed"]),
                     fmt(r["simulated_mean"]),
                     _interval(r["simulated_p05"], r["simulated_p95"], fmt, replicates),
                     "n/a" if t else _percent(r["relative_error"])]
                    for (_, r), t in zip(block.iterrows(), tiny, strict=True)]
            header = ["route", *(["type"] if typed else []), "observed", "simulated mean",
                      "p05-p95", "rel. error"]
            lines += _table(header, rows, right={2, 3, 5} if typed else {1, 2, 4})
            if few:
                lines.append(f"  rel. error n/a: observed below {MIN_OBSERVED_FOR_PERCENT} persons "
                             f"({', '.join(few)}); compare the counts")
    return "\n".join(lines).lstrip("\n") + "\n"
