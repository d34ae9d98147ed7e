"""Matching at market nodes: migrants' choices against enterprises' capacity.

A market round (DESIGN step 4) is a logit choice among the offers a migrant can afford, followed by
rationing: where an offer is chosen by more migrants than it has seats today, a random subset gets
the seats and the others choose again among the offers that still have seats. Pure functions of
arrays and an ``rng``; the model builds the arrays.

Examples
--------
Three migrants want offer 0, which has one seat; offer 1 has plenty.

>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> kept = ration(np.array([0, 0, 0]), np.array([1, 5]), rng)
>>> int(kept.sum())
1
"""

from __future__ import annotations

import numpy as np

from sim.choice import logit_choice

__all__ = ["ration", "market_round"]


def ration(chosen: np.ndarray, capacity: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Keep at most ``capacity[o]`` random choosers of each option ``o``.

    Parameters
    ----------
    chosen : ndarray of int, shape (W,)
        Option chosen by each chooser, -1 for none.
    capacity : ndarray of int, shape (O,)
        Seats (agents) left on each option; a negative value means unlimited.
    rng : numpy.random.Generator
        The model's generator.

    Returns
    -------
    ndarray of bool, shape (W,)
        True where the chooser gets a seat.
    """
    W = len(chosen)
    kept = np.zeros(W, dtype=bool)
    has = chosen >= 0
    if not has.any():
        return kept
    idx = np.flatnonzero(has)
    opt = chosen[idx]
    key = rng.random(len(idx))
    order = np.lexsort((key, opt))
    opt_sorted = opt[order]
    first = np.r_[0, np.flatnonzero(opt_sorted[1:] != opt_sorted[:-1]) + 1]
    run_start = np.repeat(first, np.diff(np.r_[first, len(opt_sorted)]))
    rank = np.arange(len(opt_sorted)) - run_start
    cap = capacity[opt_sorted]
    ok = (cap < 0) | (rank < cap)
    kept[idx[order[ok]]] = True
    return kept


def market_round(
    utility: np.ndarray,
    affordable: np.ndarray,
    option_of: np.ndarray,
    capacity: np.ndarray,
    rng: np.random.Generator,
    rounds: int = 2,
    return_first: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Choose and ration, repeating for those who lost their seat.

    Parameters
    ----------
    utility : ndarray of float, shape (W, M)
        Utility of each chooser's M option slots (logit units).
    affordable : ndarray of bool, shape (W, M)
        Slot exists and is within the chooser's budget.
    option_of : ndarray of int, shape (W, M)
        Global option id behind each slot (-1 for padding).
    capacity : ndarray of int, shape (O,)
        Seats (agents) per global option today; negative = unlimited. Not modified.
    rng : numpy.random.Generator
        The model's generator.
    rounds : int
        Choice rounds; a chooser without a seat after the last round waits.
    return_first : bool
        Also return the first round's choices (what migrants wanted before rationing).

    Returns
    -------
    bought : ndarray of int, shape (W,)
        Global option id bought by each chooser, or -1 (waits: no affordable option or no seat).
    first : ndarray of int, shape (W,), only with ``return_first``
        Global option id chosen in the first round, or -1.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> u = np.array([[1.0, 0.0]] * 4); a = np.ones((4, 2), dtype=bool)
    >>> got = market_round(u, a, np.array([[0, 1]] * 4), np.array([2, 1]), rng)
    >>> sorted(np.bincount(got[got >= 0], minlength=2).tolist())
    [1, 2]
    """
    W = utility.shape[0]
    bought = np.full(W, -1, dtype=np.int64)
    left = capacity.astype(np.int64).copy()
    active = np.arange(W)
    first = np.full(W, -1, dtype=np.int64)
    for r in range(rounds):
        if len(active) == 0:
            break
        opts = option_of[active]
        avail = affordable[active] & (opts >= 0)
        cap_slot = np.where(opts >= 0, left[np.maximum(opts, 0)], 0)
        avail &= cap_slot != 0
        col = logit_choice(utility[active], avail, rng)
        chosen = np.where(col >= 0, opts[np.arange(len(active)), np.maximum(col, 0)], -1)
        if r == 0:
            first[active] = chosen
        kept = ration(chosen, left, rng)
        got = active[kept]
        bought[got] = chosen[kept]
        counts = np.bincount(chosen[kept], minlength=len(left))
        left = np.where(left < 0, left, left - counts)
        # those who chose nothing cannot do better in another round
        active = active[(~kept) & (chosen >= 0)]
    return (bought, first) if return_first else bought
