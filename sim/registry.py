"""The registry of smuggler enterprises: who is in the market, where, and at what price (DESIGN step 7).

The set of :class:`sim.agents.enterprise.SmugglerEnterprise` agents of one model, kept by home
market node and by id, with the counts of exits (arrest, ruin), takeovers and spin-offs, the heirs
of exited enterprises (consolidation (d)), and the market price of a segment: the mean standard
price of the enterprises selling it, or the base fee times the markup where nobody does. It passes
the outcomes of a day's departures on to the sellers still in the market. What
happens to the population (entry, exit, growth, partnerships) is :mod:`sim.enterprises`; the
registry only keeps the books of who is there.

See Also
--------
sim.enterprises : entry, exit, growth and partnerships of the enterprises.
sim.agents.enterprise : one enterprise's own books (costs, arrest, hiring, prices).
"""

from __future__ import annotations

import numpy as np

from sim import consolidation
from sim.agents.enterprise import SmugglerEnterprise

__all__ = ["EnterpriseRegistry"]


class EnterpriseRegistry:
    """The enterprises in the market, by home node and by id.

    Parameters
    ----------
    market_nodes : iterable of int
        Market node indices.

    Attributes
    ----------
    at : dict of int to list of SmugglerEnterprise
        Enterprises based at each market node, in order of entry.
    by_id : dict of int to SmugglerEnterprise
    exits : dict of str to int
        Exits so far by reason (``"arrest"``, ``"ruin"``).
    heirs : dict of int to int
        Exited enterprise id to the id of the one that took over its customers (consolidation (d)).
    takeovers, spinoffs, relocations : int
        Counts so far: take-overs (d), spin-offs (b), moves to another market (:func:`sim.relocation.relocate`).
    moves : list of (int, int, float)
        Moves not yet seen by the weekly snapshot (:func:`sim.metrics.observe`, which empties the
        list): the enterprise's id, the market node it left, and the persons it had sold by then
        (its ``sold_persons``), so that the week's sales count at the market where they were made.
    """

    def __init__(self, market_nodes):
        self.at: dict[int, list[SmugglerEnterprise]] = {int(n): [] for n in market_nodes}
        self.by_id: dict[int, SmugglerEnterprise] = {}
        self.exits = {"arrest": 0, "ruin": 0}
        self.heirs: dict[int, int] = {}
        self.takeovers = 0
        self.spinoffs = 0
        self.relocations = 0
        self.moves: list[tuple[int, int, float]] = []

    def add(self, ent: SmugglerEnterprise) -> None:
        """Register a new enterprise at its home node."""
        self.at[ent.home].append(ent)
        self.by_id[ent.unique_id] = ent

    def move(self, ent: SmugglerEnterprise, node: int) -> None:
        """Move an enterprise's base to market ``node``, keeping note of what it sold where it was (:attr:`moves`)."""
        self.moves.append((ent.unique_id, ent.home, ent.sold_persons))
        self.at[ent.home].remove(ent)
        ent.home = node
        self.at[node].append(ent)
        self.relocations += 1

    def remove(self, ent: SmugglerEnterprise, reason: str) -> None:
        """Take an enterprise out of the market (``reason`` "arrest" or "ruin"); partners forget it."""
        self.exits[reason] += 1
        self.at[ent.home].remove(ent)
        del self.by_id[ent.unique_id]
        for k in ent.partners:
            other = self.by_id.get(k)
            if other is not None:
                other.partners.discard(ent.unique_id)
        ent.remove()

    def resolve(self, ids: np.ndarray) -> np.ndarray:
        """Enterprise ids with every exited enterprise replaced by its heir (chains followed).

        Parameters
        ----------
        ids : ndarray of int, shape (n,)
            Enterprise ids (-1 for none).

        Returns
        -------
        ndarray of int, shape (n,)
        """
        if not self.heirs or not len(ids):
            return ids
        out = np.asarray(ids).copy()
        for old in np.unique(out):
            new = int(old)
            seen = 0
            while new in self.heirs and seen < 1000:
                new, seen = self.heirs[new], seen + 1
            if new != old:
                out[out == old] = new
        return out

    def record_departures(self, sellers: list, price_eur: np.ndarray, option: np.ndarray, by_enterprise: np.ndarray,
                          passed: np.ndarray, failed: np.ndarray, persons_per_agent: int, *,
                          paid_eur: np.ndarray | None = None, guarantee_share: float = 0.0) -> np.ndarray:
        """Each seller still in the market learns how its customers fared today (step 5).

        Per option sold by an enterprise: the share of its movers who got across updates the
        seller's reputation (:meth:`SmugglerEnterprise.record_outcome`); with supply (b) on, the
        value of those prevented or returned (persons times the offer's price) adds to its recent
        losses (:meth:`SmugglerEnterprise.record_losses`). Sellers that have left the market since
        (arrest, ruin) learn nothing.

        Parameters
        ----------
        sellers : list, length O
            Today's offers' sellers (None for self-travel), :attr:`sim.market.Offers.sellers`.
        price_eur : ndarray of float, shape (O,)
            Each offer's price per person (EUR).
        option : ndarray of int, shape (M,)
            The offer each mover bought.
        by_enterprise : ndarray of bool, shape (M,)
            The mover's offer is an enterprise's.
        passed, failed : ndarray of bool, shape (M,)
            The mover got across; it was prevented or returned.
        persons_per_agent : int
        paid_eur : ndarray of float, shape (M,), optional
            Fare each mover paid today (EUR per person); needed when ``guarantee_share`` > 0.
        guarantee_share : float
            Payment on success (consolidation (d), :func:`sim.consolidation.guarantee_refund`): this
            share of a failed mover's fare goes back to the mover and is taken from the seller's cash
            (the seller sold today, so it is still in the market). 0: off.

        Returns
        -------
        ndarray of float, shape (M,)
            Refund per person to each mover (EUR); zeros with the rule off.
        """
        refund = np.zeros(len(option))
        if not by_enterprise.any():
            return refund
        if guarantee_share > 0:
            refund = consolidation.guarantee_refund(paid_eur, failed, by_enterprise, guarantee_share)
            owing = refund > 0
            uo_r, inv_r = np.unique(option[owing], return_inverse=True)
            owed = np.bincount(inv_r, weights=refund[owing]) * persons_per_agent
            for o, eur in zip(uo_r, owed, strict=True):
                ent = sellers[o]
                if ent is not None:
                    ent.cash_eur -= float(eur)
        uo, inv = np.unique(option[by_enterprise], return_inverse=True)
        succ = np.bincount(inv, weights=passed[by_enterprise].astype(float)) / np.bincount(inv)
        lost = np.bincount(inv, weights=failed[by_enterprise].astype(float)) * persons_per_agent
        for o, s, n_lost in zip(uo, succ, lost, strict=True):
            ent = sellers[o]
            if ent is not None and ent.unique_id in self.by_id:
                ent.record_outcome(float(s))
                if ent.supply is not None and n_lost > 0:
                    ent.record_losses(float(n_lost * price_eur[o]))
        return refund

    def market_price(self, edge: int, source: int, base_fee_eur: float, markup: float) -> float:
        """Mean standard-level price (EUR per person) of the offers on ``edge``, or the base fee times ``markup``.

        Parameters
        ----------
        edge : int
        source : int
            The edge's source node (where it is sold).
        base_fee_eur : float
        markup : float
            ``enterprises.markup``.
        """
        prices = np.asarray([ent.price_eur[edge] for ent in self.at.get(source, ()) if edge in ent.price_eur],
                            dtype=float)
        if prices.size:  # np.add.reduce(x) / x.size is np.mean(x) bit for bit, without its wrapper
            return float(np.add.reduce(prices) / prices.size)
        return float(base_fee_eur * markup)


def _price(reg: EnterpriseRegistry, net, edge: int, markup: float) -> float:
    """:meth:`EnterpriseRegistry.market_price` of segment ``edge`` of ``net``, sold at its source node."""
    return reg.market_price(edge, int(net.src[edge]), net.base_fee_eur[edge], markup)
