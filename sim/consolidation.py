"""Consolidation under enforcement: arrest hazard, protection costs and takeover on exit (note (d)).

An enterprise of ``n`` members facing enforcement effort ``E`` with experience ``k`` (persons carried)
is arrested with the daily hazard

.. math::

    h = (h_0 + h_1 E) \\, n^{\\gamma} \\, (1 + k / k_h)^{-\\beta_k}

(an arrest takes ``arrest_member_share`` of its members and ends the enterprise if the organiser is
among them, probability ``1 / n``), and pays the daily fixed cost ``f_m n + f_E E n^{\\phi}`` (EUR):
with ``phi < 1`` one bribe or lookout covers the firm. When an enterprise exits, a partner (else, with
``takeover_prob``, the largest enterprise at its node) takes its prepaid customers, its segments and
``takeover_member_share`` of its members; with ``open_takeover_prob`` (0 by default) the largest
enterprise at the node takes over regardless of partnership.

**Payment on success** (``guarantee_share`` s, 1 by default since stop 31; 0 switches it off). A share ``s`` of each fare sold by
an enterprise is held by a third-party guarantor and paid to the seller only if the customer's
crossing succeeds; a customer prevented or returned gets it back, and the seller, who has already
paid the variable cost (the boat, the driver), loses it (:func:`guarantee_refund`). Enforcement that
prevents crossings then costs the sellers the fares of the prevented, in proportion to how often
they fail, which falls with experience (supply (b)). The seller's recent revenue and losses that drive
supply (b)'s exploration are booked as before (the refund is not taken off its recent revenue). With
``guarantee_floor`` (on by default; it acts only when s > 0) a seller's price floor covers its variable cost
per paying customer: the floor is divided by the share it expects to keep (:func:`kept_share`, from its own
success memory), and is enforced every day, not only when utilisation moves the price; the price cap still
bounds it (a seller whose break-even is above the cap sells at the cap and loses). Sources: Campana and Gelsthorpe 2021 (migrants
check smugglers by reputation and use guarantees, escrow); IOM 2016, *Migrant Smuggling Data and
Research* (third-party guarantee: a deposit with a guarantor released at agreed milestones).

The anchors disagree on the sign of size effects (Reuter 1983: growth draws attention, ``gamma > 0``;
Morselli, Giguere and Petit 2007: security against efficiency; Kleiman 1993: enforcement swamping), so
consolidation must come from their balance: with ``phi = gamma = 1`` and no entry barrier, effort does
not favour size; with ``phi < 1`` or ``gamma < 1``, per-member risk and protection cost fall with size,
more so as ``E`` grows. A prediction to test, not an assumption.

Pure functions of numpy arrays and an ``rng``; the enterprise module calls them.

Sources: Reuter 1983 (*Disorganized Crime*, MIT Press); Kleiman 1993 (Mathematical and Computer
Modelling 17(2):65-75); Morselli, Giguere and Petit 2007 (Social Networks 29:143-153); Campana 2018
(rivals take a removed smuggler's share); Duijn, Kashirin and Sloot 2014 (Scientific Reports 4:4238);
Manzi and Calderoni 2024 (JASSS 27(3):3).

Parameters (defaults, prior ranges, units and sources): :class:`sim.parameters.ConsolidationParameters`; its
``enabled`` field is the mechanism's ablation switch. The kernels take plain numbers, so the module
does not import the parameter table.

Examples
--------
>>> import numpy as np
>>> float(arrest_hazard(np.array([1.0]), np.array([4.0]), np.array([0.0]), base=0.001, per_effort=0.003,
...                     size_exponent=0.5, experience_scale=500.0, experience_exponent=0.2)[0])
0.008
>>> fixed_cost_eur(np.array([4.0]), np.array([2.0]), per_member_eur=10.0, per_effort_eur=20.0,
...                scale_exponent=0.5).tolist()
[120.0]
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "arrest_hazard",
    "arrest_outcome",
    "fixed_cost_eur",
    "guarantee_refund",
    "kept_share",
    "heir",
    "members_taken_over",
    "per_member_fixed_cost_eur",
]



def arrest_hazard(
    effort: np.ndarray,
    members: np.ndarray,
    experience_persons: np.ndarray,
    *,
    base: float,
    per_effort: float,
    size_exponent: float,
    experience_scale: float,
    experience_exponent: float,
) -> np.ndarray:
    """Daily arrest probability ``(h0 + h1 E) n**gamma (1 + k / k_h)**-beta_k``, clipped to [0, 1].

    Parameters
    ----------
    effort : ndarray of float, shape (n,)
        Enforcement effort the enterprise faces (node and segments).
    members : ndarray of float, shape (n,)
        Members, >= 1.
    experience_persons : ndarray of float, shape (n,)
        Persons carried (on its segments).
    base, per_effort : float
        ``h0`` (1/day) and ``h1`` (1/(day effort)).
    size_exponent : float
        ``gamma``.
    experience_scale : float
        ``k_h`` (persons), > 0.
    experience_exponent : float
        ``beta_k``.

    Returns
    -------
    ndarray of float, shape (n,)
    """
    n = np.maximum(np.asarray(members, dtype=float), 1.0)
    k = np.maximum(np.asarray(experience_persons, dtype=float), 0.0)
    h = (base + per_effort * np.asarray(effort, dtype=float)) * n ** size_exponent
    h = h * (1.0 + k / experience_scale) ** (-experience_exponent)
    return np.clip(h, 0.0, 1.0)


def arrest_outcome(members: np.ndarray, member_share: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """What an arrest takes: members removed (binomial, at least one) and whether the organiser is among them.

    Parameters
    ----------
    members : ndarray of int, shape (n,)
        Members of the arrested enterprises (>= 1).
    member_share : float
        Expected share taken.
    rng : numpy.random.Generator

    Returns
    -------
    removed : ndarray of int, shape (n,)
        Members arrested, between 1 and ``members``.
    organiser_taken : ndarray of bool, shape (n,)
        With probability ``removed / members`` (the organiser is one member among them): the
        enterprise exits. A one-member enterprise always exits.
    """
    m = np.maximum(np.asarray(members, dtype=np.int64), 1)
    removed = np.maximum(rng.binomial(m, member_share), 1)
    organiser = rng.random(len(m)) < removed / m
    return removed, organiser


def fixed_cost_eur(members: np.ndarray, effort: np.ndarray, *, per_member_eur: float, per_effort_eur: float,
                   scale_exponent: float) -> np.ndarray:
    """Daily fixed cost ``f_m n + f_E E n**phi`` (EUR).

    Parameters
    ----------
    members : ndarray of float, shape (n,)
    effort : ndarray of float, shape (n,)
    per_member_eur, per_effort_eur : float
        ``f_m`` and ``f_E``.
    scale_exponent : float
        ``phi``.

    Returns
    -------
    ndarray of float, shape (n,)
    """
    n = np.maximum(np.asarray(members, dtype=float), 1.0)
    return per_member_eur * n + per_effort_eur * np.asarray(effort, dtype=float) * n ** scale_exponent


def per_member_fixed_cost_eur(members: np.ndarray, effort: np.ndarray, *, per_member_eur: float,
                              per_effort_eur: float, scale_exponent: float) -> np.ndarray:
    """``fixed_cost_eur / n``: the per-member cost whose fall with size is the consolidation pressure.

    Examples
    --------
    With ``phi = 0.5`` a firm of 4 pays half as much per member for protection as a firm of 1:

    >>> per_member_fixed_cost_eur(np.array([1.0, 4.0]), np.array([1.0, 1.0]), per_member_eur=0.0,
    ...                           per_effort_eur=10.0, scale_exponent=0.5).tolist()
    [10.0, 5.0]
    """
    n = np.maximum(np.asarray(members, dtype=float), 1.0)
    return fixed_cost_eur(n, effort, per_member_eur=per_member_eur, per_effort_eur=per_effort_eur,
                          scale_exponent=scale_exponent) / n


def guarantee_refund(paid_eur: np.ndarray, failed: np.ndarray, by_enterprise: np.ndarray, share: float) -> np.ndarray:
    """What the guarantor gives back to each mover: ``share`` of the fare paid if the crossing failed.

    Parameters
    ----------
    paid_eur : ndarray of float, shape (M,)
        Fare each mover paid today (EUR per person, after any package discount).
    failed : ndarray of bool, shape (M,)
        The mover was prevented or returned.
    by_enterprise : ndarray of bool, shape (M,)
        The mover bought from an enterprise (self-travel has no guarantor).
    share : float
        ``guarantee_share`` s, 0-1.

    Returns
    -------
    ndarray of float, shape (M,)
        Refund per person (EUR); the seller loses the same amount.

    Raises
    ------
    ValueError
        If ``share`` is outside 0-1.

    Examples
    --------
    >>> guarantee_refund(np.array([1000.0, 1000.0, 500.0]), np.array([True, False, True]),
    ...                  np.array([True, True, False]), 0.5).tolist()
    [500.0, 0.0, 0.0]
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"guarantee_share must be in 0-1, got {share}")
    return np.where(np.asarray(failed) & np.asarray(by_enterprise), share * np.asarray(paid_eur, dtype=float), 0.0)


def kept_share(share: float, success: float) -> float:
    """Expected share of a fare the seller keeps under payment on success.

    A seller whose customers get across with probability ``success`` keeps ``1 - s (1 - success)`` of
    each fare sold; with ``guarantee_floor`` on, its price floor (the variable cost it must cover,
    :meth:`sim.agents.enterprise.SmugglerEnterprise.adjust_prices`) is divided by this share, so that
    it does not knowingly sell below its cost per paying customer. ``success`` is the seller's own
    memory of its customers' success (its reputation).

    Parameters
    ----------
    share : float
        ``guarantee_share`` s, 0-1.
    success : float
        Expected share of customers who get across, 0-1.

    Returns
    -------
    float
        Share of the fare kept, ``1 - s (1 - success)``, in ``[1 - s, 1]``.

    Examples
    --------
    >>> kept_share(1.0, 0.6)
    0.6
    >>> kept_share(0.0, 0.2)
    1.0
    """
    return 1.0 - share * (1.0 - min(max(success, 0.0), 1.0))


def heir(is_partner: np.ndarray, members: np.ndarray, takeover_prob: float, rng: np.random.Generator,
         open_takeover_prob: float = 0.0) -> int:
    """Who takes over an exiting enterprise's customers, segments and some members.

    With probability ``open_takeover_prob`` the largest enterprise at the node, regardless of
    partnership (an open takeover: any rival at the node may absorb the share, Campana 2018);
    otherwise a partner at the node if there is one (the largest if several), else with probability
    ``takeover_prob`` the largest enterprise at the node (ties: the first), else nobody. With
    ``open_takeover_prob = 0`` (the default) no extra random number is drawn: the rule before it.

    Parameters
    ----------
    is_partner : ndarray of bool, shape (k,)
        The other enterprises at the node: partner of the exiting one or not.
    members : ndarray of float, shape (k,)
    takeover_prob : float
    rng : numpy.random.Generator
    open_takeover_prob : float
        In [0, 1].

    Returns
    -------
    int
        Position of the heir among the ``k`` candidates, or -1.

    Examples
    --------
    >>> heir(np.array([False, True, False]), np.array([9.0, 2.0, 5.0]), 0.0, np.random.default_rng(0))
    1
    >>> heir(np.array([False, False]), np.array([3.0, 7.0]), 1.0, np.random.default_rng(0))
    1
    >>> heir(np.zeros(0, bool), np.zeros(0), 1.0, np.random.default_rng(0))
    -1
    >>> heir(np.array([False, True, False]), np.array([9.0, 2.0, 5.0]), 0.0, np.random.default_rng(0), 1.0)
    0
    """
    part = np.asarray(is_partner, dtype=bool)
    m = np.asarray(members, dtype=float)
    if not len(m):
        return -1
    if open_takeover_prob > 0 and rng.random() < open_takeover_prob:
        return int(np.argmax(m))
    if part.any():
        idx = np.flatnonzero(part)
        return int(idx[np.argmax(m[idx])])
    if rng.random() < takeover_prob:
        return int(np.argmax(m))
    return -1


def members_taken_over(members: int, share: float, rng: np.random.Generator) -> int:
    """Members of an exiting enterprise who join its heir: Binomial(members, share)."""
    return int(rng.binomial(max(int(members), 0), share))
