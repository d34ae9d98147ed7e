"""Supply that takes time and contacts: entry by spin-off, entry cost, set-up lag, experience.

New smuggling capacity on a segment comes through the members and partners of enterprises already
at the market (mechanisms note (b)), not from an unlimited pool of entrants:

- **Spin-offs.** Expected new enterprises per day on segment ``e`` at market ``m`` are
  ``rate * M[m] * x / (1 + x)``, with ``M[m]`` the members of enterprises based at ``m`` or partnered
  with one based there, and ``x = max(0, wanted / capacity - 1)`` the excess of what migrants wanted
  on ``e`` today over its capacity (persons). ``x / (1 + x)`` bounds the feedback of a queue.
- **Entry cost.** The founder pays ``entry_cost_eur * (1 + entry_cost_per_effort * effort)`` from the
  parent's cash, or there is no entry.
- **The vessel** (``vessel_capital``, since stop 29). A segment with a ``vessel_eur`` in ``segments.csv``
  (the cargo ships from Mersin) needs a ship before it is first sold: the founder's parent, or an
  enterprise exploring or relocating to it, pays it from its cash on top of the entry cost, or the
  segment is not opened (:func:`vessel_cost_eur`). An heir that takes over a seller (consolidation (d))
  takes its ship with the business and pays nothing; a run that starts after the service's
  ``first_reported`` date seeds sellers of it without charge (the ship exists before the run); the
  deterrence of entry does not count the ship in the founder's stake. Sources: ships bought for about
  USD 150,000-250,000 (AFP, 8 January 2015: scrap value) and up to USD 500,000 (AP, 28 January 2015).
- **Set-up lag.** A new enterprise sells nothing for a gamma-distributed number of days (it pays its
  fixed costs meanwhile).
- **Exploration** (NarcoLogic's expansion, Magliocca et al. 2019): an enterprise whose recent losses
  to enforcement exceed ``loss_tolerance`` of its revenue adds one untried segment, with probability
  ``explore_prob_per_month``, chosen by expected margin.
- **Deterrence of entry** (off by default: weight 0). A would-be founder weighs what enforcement would
  cost a new one-member enterprise on the segment (its daily arrest hazard times the entry cost it
  would lose, plus the daily enforcement cost) against the margin it expects (its share of the seats
  wanted, as one more seller); the spin-off rate is multiplied by ``exp(-w * loss / margin)``
  (:func:`entry_deterrence`). Where enforcement is robust fewer small entrants start (Magliocca et al.
  2019; Campana 2018; Reuter 1983: enforcement as a barrier to entry).
- **Experience.** Costs and prevention on a segment fall with the persons carried there,
  ``(1 + k / k_scale) ** -b`` with ``b = -log2(progress_ratio)`` (Wright 1936; progress ratios mostly
  0.7-0.95, Argote and Epple 1990); a spin-off inherits a share of its parent's ``k``.

Pure functions of numpy arrays and an ``rng``; the enterprise module calls them.

Sources: Magliocca et al. 2019 (PNAS 116:7784-7792; ``nickmags13/NarcoABM``); Campana 2018 (European
Journal of Criminology 15:481-502: stage-local segments, organisers about 15 % of actors); Achilli 2018
(community ties); Wright 1936; Argote and Epple 1990 (Science 247:920-924).

Parameters (defaults, prior ranges, units and sources): :class:`sim.parameters.SupplyParameters`; its
``enabled`` field is the mechanism's ablation switch. The kernels take plain numbers, so the module
does not import the parameter table.

Examples
--------
Twenty members at a market, migrants wanting three times the capacity (x = 2):

>>> round(float(spinoff_rate(np.array([20.0]), excess_demand(np.array([300.0]), np.array([100.0])), 1e-3)[0]), 6)
0.013333
>>> float(experience_factor(np.array([500.0]), 500.0, 0.8)[0])
0.8
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "choose_new_segment",
    "draw_parents",
    "draw_setup_days",
    "draw_spinoffs",
    "entry_cost_eur",
    "entry_deterrence",
    "excess_demand",
    "experience_factor",
    "experience_factor_of",
    "exploration_probability",
    "founder_margin_eur",
    "fund_entries",
    "inherited_experience",
    "recruiters_at",
    "spinoff_rate",
    "vessel_cost_eur",
]


DAYS_PER_MONTH = 365.25 / 12.0  #: calendar constant (days), not a behavioural number


def recruiters_at(home: np.ndarray, members: np.ndarray, partners: np.ndarray, n_nodes: int) -> np.ndarray:
    """Members ``M[m]`` of enterprises based at ``m`` or partnered with one based there.

    Parameters
    ----------
    home : ndarray of int, shape (n,)
        Market node of each enterprise.
    members : ndarray of float, shape (n,)
        Members of each enterprise.
    partners : ndarray of int, shape (P, 2)
        Partnerships as pairs of enterprise positions (0 <= i < n), each pair once.
    n_nodes : int

    Returns
    -------
    ndarray of float, shape (N,)
        Each enterprise counted at most once per node.

    Examples
    --------
    Enterprise 0 (3 members) at node 0, 1 (2 members) at node 1, partners:

    >>> recruiters_at(np.array([0, 1]), np.array([3.0, 2.0]), np.array([[0, 1]]), 3).tolist()
    [5.0, 5.0, 0.0]
    """
    home = np.asarray(home, dtype=np.int64)
    n = len(home)
    inc = np.zeros((n, n_nodes), dtype=bool)
    inc[np.arange(n), home] = True
    pairs = np.asarray(partners, dtype=np.int64).reshape(-1, 2)
    if len(pairs):
        inc[pairs[:, 0], home[pairs[:, 1]]] = True
        inc[pairs[:, 1], home[pairs[:, 0]]] = True
    return np.asarray(members, dtype=float) @ inc


def excess_demand(wanted_persons: np.ndarray, capacity_persons: np.ndarray) -> np.ndarray:
    """``x = max(0, wanted / capacity - 1)``; ``inf`` where something is wanted and nothing offered.

    Parameters
    ----------
    wanted_persons, capacity_persons : ndarray of float, shape (K,)
        What migrants chose before rationing, and the seats on offer (persons per day).

    Returns
    -------
    ndarray of float, shape (K,)

    Examples
    --------
    >>> excess_demand(np.array([50.0, 300.0, 5.0, 0.0]), np.array([100.0, 100.0, 0.0, 0.0])).tolist()
    [0.0, 2.0, inf, 0.0]
    """
    w = np.asarray(wanted_persons, dtype=float)
    c = np.asarray(capacity_persons, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(c > 0, w / np.where(c > 0, c, 1.0) - 1.0, np.where(w > 0, np.inf, 0.0))
    return np.maximum(x, 0.0)


def spinoff_rate(recruiters: np.ndarray, excess: np.ndarray, rate_per_member_day: float) -> np.ndarray:
    """Expected spin-offs per day, ``rate * M * x / (1 + x)`` (``x / (1 + x)`` is 1 at ``x = inf``).

    Parameters
    ----------
    recruiters : ndarray of float, shape (K,)
        ``M`` at each segment's market (:func:`recruiters_at`).
    excess : ndarray of float, shape (K,)
        :func:`excess_demand`.
    rate_per_member_day : float

    Returns
    -------
    ndarray of float, shape (K,)
    """
    x = np.asarray(excess, dtype=float)
    with np.errstate(invalid="ignore"):
        frac = np.where(np.isinf(x), 1.0, x / (1.0 + x))
    return rate_per_member_day * np.asarray(recruiters, dtype=float) * frac


def draw_spinoffs(rate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Spin-offs founded today: Poisson draws of ``rate`` (shape (K,), int)."""
    return rng.poisson(np.asarray(rate, dtype=float))


def entry_cost_eur(effort: np.ndarray | float, base_eur: float, per_effort: float) -> np.ndarray:
    """Entry cost ``base * (1 + per_effort * effort)`` (EUR) under enforcement effort at the market.

    Examples
    --------
    >>> entry_cost_eur(np.array([0.0, 2.0]), 5000.0, 1.5).tolist()
    [5000.0, 20000.0]
    """
    return base_eur * (1.0 + per_effort * np.asarray(effort, dtype=float))


def founder_margin_eur(price_eur: np.ndarray, variable_cost_eur: np.ndarray, wanted_persons: np.ndarray,
                       sellers: np.ndarray, capacity_persons: np.ndarray) -> np.ndarray:
    """Margin a would-be founder expects per day on a segment (EUR): its share of the seats wanted.

    ``(price - variable_cost) * min(capacity, wanted / (sellers + 1))``: the founder expects to sell
    as one more seller among those already on the segment, at most its own capacity, at the market
    price.

    Parameters
    ----------
    price_eur : ndarray of float, shape (K,)
        Market price per person on each segment (EUR).
    variable_cost_eur : ndarray of float, shape (K,)
        Variable cost per person carried (EUR).
    wanted_persons : ndarray of float, shape (K,)
        Persons who wanted each segment today (before rationing).
    sellers : ndarray of int, shape (K,)
        Enterprises already selling each segment.
    capacity_persons : ndarray of float, shape (K,)
        Persons a new one-member enterprise can carry a day on the segment.

    Returns
    -------
    ndarray of float, shape (K,)
        Negative where the price is below the variable cost.

    Examples
    --------
    Price 1,000, cost 450, 90 persons wanted among 2 sellers (30 each for 3), capacity 40:

    >>> founder_margin_eur(np.array([1000.0]), np.array([450.0]), np.array([90.0]), np.array([2]),
    ...                    np.array([40.0])).tolist()
    [16500.0]
    """
    share = np.asarray(wanted_persons, dtype=float) / (np.asarray(sellers, dtype=float) + 1.0)
    persons = np.minimum(np.asarray(capacity_persons, dtype=float), share)
    return (np.asarray(price_eur, dtype=float) - np.asarray(variable_cost_eur, dtype=float)) * persons


def entry_deterrence(hazard: np.ndarray, stake_eur: np.ndarray, enforcement_cost_eur: np.ndarray,
                     margin_eur: np.ndarray, weight: float) -> np.ndarray:
    """Share of would-be founders who still start: ``exp(-weight * loss / margin)``, in [0, 1].

    ``loss = hazard * stake + enforcement_cost`` is what enforcement is expected to cost a new small
    enterprise per day (its daily arrest probability times what it would lose, plus bribes and lost
    boats), ``margin`` what it expects to earn per day (:func:`founder_margin_eur`). With
    ``weight = 0`` nobody is deterred (exactly 1); a founder who expects no positive margin does not
    start while any loss is expected.

    Parameters
    ----------
    hazard : ndarray of float, shape (K,)
        Daily arrest probability of a new one-member enterprise (:func:`sim.consolidation.arrest_hazard`).
    stake_eur : ndarray of float, shape (K,)
        What an arrest would cost it (EUR), e.g. the entry cost (:func:`entry_cost_eur`).
    enforcement_cost_eur : ndarray of float, shape (K,)
        Its daily enforcement cost (EUR; the effort term of :func:`sim.consolidation.fixed_cost_eur`).
    margin_eur : ndarray of float, shape (K,)
        Expected daily margin (EUR).
    weight : float
        ``w`` >= 0: how heavily founders weigh the expected loss against the margin (1: one to one).

    Returns
    -------
    ndarray of float, shape (K,)

    Raises
    ------
    ValueError
        If ``weight`` is negative.

    Examples
    --------
    Hazard 0.01 a day on a stake of 10,000 plus 100 EUR a day of bribes: 200 EUR a day against a
    margin of 400:

    >>> entry_deterrence(np.array([0.01]), np.array([1e4]), np.array([100.0]), np.array([400.0]), 1.0).round(4).tolist()
    [0.6065]
    >>> entry_deterrence(np.array([0.01]), np.array([1e4]), np.array([100.0]), np.array([0.0]), 0.0).tolist()
    [1.0]
    """
    if weight < 0:
        raise ValueError(f"weight must be >= 0, got {weight}")
    loss = (np.asarray(hazard, dtype=float) * np.asarray(stake_eur, dtype=float)
            + np.asarray(enforcement_cost_eur, dtype=float))
    margin = np.asarray(margin_eur, dtype=float)
    if weight == 0:
        return np.ones(np.broadcast(loss, margin).shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(margin > 0, loss / np.where(margin > 0, margin, 1.0), np.where(loss > 0, np.inf, 0.0))
    return np.exp(-weight * ratio)


def draw_parents(members: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Parent enterprises of ``n`` spin-offs, drawn with probability proportional to members.

    Parameters
    ----------
    members : ndarray of float, shape (k,)
        Members of the candidate parents (those counted in ``M``).
    n : int
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of int, shape (n,)
        Positions into ``members``; empty if nobody can recruit.
    """
    m = np.asarray(members, dtype=float)
    if n <= 0 or m.sum() <= 0:
        return np.zeros(0, dtype=np.int64)
    return rng.choice(len(m), size=n, p=m / m.sum())


def vessel_cost_eur(vessel_eur: np.ndarray, edge: int, supply_params) -> float:
    """The vessel a seller pays before it first sells segment ``edge`` (EUR; 0 without one or with the rule off).

    Parameters
    ----------
    vessel_eur : ndarray of float, shape (E,)
        :attr:`sim.network.RouteNetwork.vessel_eur` (may be empty: no vessels).
    edge : int
    supply_params : sim.parameters.SupplyParameters or None
        ``vessel_capital`` switches the charge on; None or supply disabled: 0.

    Returns
    -------
    float
        EUR, >= 0.

    Examples
    --------
    >>> from sim.parameters import SupplyParameters
    >>> v = np.array([0.0, 190000.0])
    >>> vessel_cost_eur(v, 1, SupplyParameters()), vessel_cost_eur(v, 1, SupplyParameters(vessel_capital=False))
    (190000.0, 0.0)
    """
    sp = supply_params
    if sp is None or not sp.enabled or not sp.vessel_capital or not len(vessel_eur):
        return 0.0
    return float(vessel_eur[edge])


def fund_entries(parent_cash: np.ndarray, parents: np.ndarray, cost_eur: float) -> tuple[np.ndarray, np.ndarray]:
    """Charge each founded spin-off's cost to its parent, in order, while the parent can pay.

    Parameters
    ----------
    parent_cash : ndarray of float, shape (k,)
        Cash of the candidate parents (EUR).
    parents : ndarray of int, shape (n,)
        Parent of each wanted spin-off (:func:`draw_parents`).
    cost_eur : float
        Entry cost per spin-off (:func:`entry_cost_eur`).

    Returns
    -------
    funded : ndarray of bool, shape (n,)
        Which spin-offs are founded.
    cash : ndarray of float, shape (k,)
        Parents' cash after paying (never negative).

    Examples
    --------
    >>> funded, cash = fund_entries(np.array([12000.0, 3000.0]), np.array([0, 0, 0, 1]), 5000.0)
    >>> funded.tolist(), cash.tolist()
    ([True, True, False, False], [2000.0, 3000.0])
    """
    cash = np.asarray(parent_cash, dtype=float).copy()
    funded = np.zeros(len(parents), dtype=bool)
    for i, p in enumerate(np.asarray(parents, dtype=np.int64)):
        if cash[p] >= cost_eur:
            cash[p] -= cost_eur
            funded[i] = True
    return funded, cash


def draw_setup_days(n: int, mean_days: float, shape: float, rng: np.random.Generator) -> np.ndarray:
    """Set-up lags (days, int >= 0) from a gamma distribution of mean ``mean_days`` and ``shape``."""
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.round(rng.gamma(shape, mean_days / shape, size=n)).astype(np.int64)


def experience_factor(carried_persons: np.ndarray, scale_persons: float, progress_ratio: float) -> np.ndarray:
    """Cost (and prevention) multiplier ``(1 + k / k_scale) ** -b``, ``b = -log2(progress_ratio)``.

    At ``k = k_scale`` the factor is ``progress_ratio``; at ``k = 3 k_scale``, its square.

    Parameters
    ----------
    carried_persons : ndarray of float
        Persons the enterprise has carried on the segment.
    scale_persons : float
        ``k_scale`` (persons), > 0.
    progress_ratio : float
        In (0, 1].

    Returns
    -------
    ndarray of float, in (0, 1]

    Raises
    ------
    ValueError
        If ``progress_ratio`` is outside (0, 1] or ``scale_persons`` is not positive.

    Examples
    --------
    >>> experience_factor(np.array([0.0, 300.0]), 100.0, 0.8).round(6).tolist()
    [1.0, 0.64]
    """
    if not 0 < progress_ratio <= 1:
        raise ValueError(f"progress_ratio must be in (0, 1], got {progress_ratio}")
    if scale_persons <= 0:
        raise ValueError(f"scale_persons must be positive, got {scale_persons}")
    b = -np.log2(progress_ratio)
    return (1.0 + np.maximum(np.asarray(carried_persons, dtype=float), 0.0) / scale_persons) ** (-b)


_EXPONENT: dict[float, float] = {}


def experience_factor_of(carried_persons: float, scale_persons: float, progress_ratio: float) -> float:
    """:func:`experience_factor` of one enterprise on one segment, on plain floats.

    The same number, bit for bit, as ``float(experience_factor(k, ...))`` for a scalar ``k`` (numpy
    computes a scalar's power with the C library's ``pow``, as Python does), at a fraction of the
    cost; for arrays use :func:`experience_factor` (numpy's vectorised power may differ in the last
    bit).

    Examples
    --------
    >>> experience_factor_of(300.0, 100.0, 0.8) == float(experience_factor(300.0, 100.0, 0.8))
    True
    """
    if not 0 < progress_ratio <= 1:
        raise ValueError(f"progress_ratio must be in (0, 1], got {progress_ratio}")
    if scale_persons <= 0:
        raise ValueError(f"scale_persons must be positive, got {scale_persons}")
    e = _EXPONENT.get(progress_ratio)
    if e is None:  # the exponent -b of experience_factor, b = -log2(progress_ratio): -b is log2 exactly
        e = _EXPONENT[progress_ratio] = float(np.log2(progress_ratio))
    return (1.0 + max(float(carried_persons), 0.0) / scale_persons) ** e


def inherited_experience(parent_carried: np.ndarray | float, share: float) -> np.ndarray:
    """Experience a spin-off starts with: ``share`` of its parent's persons carried on the segment."""
    return share * np.asarray(parent_carried, dtype=float)


def exploration_probability(losses_eur: np.ndarray, revenue_eur: np.ndarray, loss_tolerance: float,
                            explore_prob_per_month: float) -> np.ndarray:
    """Daily probability of adding an untried segment: over the loss tolerance, the monthly probability per day.

    Parameters
    ----------
    losses_eur, revenue_eur : ndarray of float, shape (n,)
        Recent (e.g. 90-day) value lost to enforcement (customers prevented or returned, members
        arrested, at price) and revenue (EUR).
    loss_tolerance : float
        Share of revenue.
    explore_prob_per_month : float

    Returns
    -------
    ndarray of float, shape (n,)
        ``1 - (1 - p_month) ** (1 / days_per_month)`` where ``losses > tolerance * revenue``, else 0.

    Examples
    --------
    >>> pr = exploration_probability(np.array([50.0, 5.0]), np.array([100.0, 100.0]), 0.1, 0.5)
    >>> round(float(1 - (1 - pr[0]) ** DAYS_PER_MONTH), 6), float(pr[1])
    (0.5, 0.0)
    """
    over = np.asarray(losses_eur, dtype=float) > loss_tolerance * np.asarray(revenue_eur, dtype=float)
    daily = 1.0 - (1.0 - explore_prob_per_month) ** (1.0 / DAYS_PER_MONTH)
    return np.where(over, daily, 0.0)


def choose_new_segment(expected_margin_eur: np.ndarray, rng: np.random.Generator) -> int:
    """Untried segment with the largest positive expected margin (ties broken at random), or -1.

    Parameters
    ----------
    expected_margin_eur : ndarray of float, shape (k,)
        Expected margin per day of each candidate segment (EUR).
    rng : numpy.random.Generator

    Examples
    --------
    >>> choose_new_segment(np.array([-5.0, 3.0, 1.0]), np.random.default_rng(0))
    1
    >>> choose_new_segment(np.array([-1.0]), np.random.default_rng(0))
    -1
    """
    m = np.asarray(expected_margin_eur, dtype=float)
    if not len(m) or m.max() <= 0:
        return -1
    best = np.flatnonzero(m == m.max())
    return int(best[rng.integers(len(best))])
