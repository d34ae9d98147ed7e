"""The model's calendar: model days, calendar dates and months.

Model day 0 is the first burn-in day (``scenario.start - burn_in_days``); one step is one day. Months
are the calendar months the days fall in (``"YYYY-MM"``), numbered from the first day's month: the
monthly demand schedule and the monthly tables are kept by this number.

Examples
--------
>>> from datetime import date
>>> months, month_of_day, days_in_month = month_calendar(date(2012, 1, 30), 4)
>>> months, month_of_day.tolist(), days_in_month
(['2012-01', '2012-02'], [0, 0, 1, 1], [31, 29])
>>> model_day("2012-02-02", date(2012, 1, 30)), model_day(None, date(2012, 1, 30))
(3, None)
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import numpy as np

__all__ = ["model_day", "month_calendar", "to_date"]


def to_date(v) -> date | None:
    """A scenario's date field as a :class:`datetime.date`: a date as it is, ISO text parsed, None or "" None."""
    if v is None or v == "":
        return None
    return v if isinstance(v, date) else date.fromisoformat(str(v))


def model_day(v, first_date: date) -> int | None:
    """The model day of a scenario's date field (days since ``first_date``), or None where it has none."""
    d = to_date(v)
    return None if d is None else (d - first_date).days


def month_calendar(first_date: date, n_days: int) -> tuple[list[str], np.ndarray, list[int]]:
    """The months of ``n_days`` model days from ``first_date``.

    Parameters
    ----------
    first_date : datetime.date
        Date of model day 0.
    n_days : int
        Number of model days.

    Returns
    -------
    months : list of str, length M
        ``"YYYY-MM"`` of each month the days fall in, in order.
    month_of_day : ndarray of int, shape (n_days,)
        Month number (index into ``months``) of each model day.
    days_in_month : list of int, length M
        Calendar days of each month (whether or not all of them are model days).
    """
    months: list[str] = []
    month_of_day = np.zeros(n_days, dtype=np.int64)
    days_in_month: list[int] = []
    for d in range(n_days):
        dt = first_date + timedelta(days=d)
        key = f"{dt.year:04d}-{dt.month:02d}"
        if not months or months[-1] != key:
            months.append(key)
            days_in_month.append(calendar.monthrange(dt.year, dt.month)[1])
        month_of_day[d] = len(months) - 1
    return months, month_of_day, days_in_month
