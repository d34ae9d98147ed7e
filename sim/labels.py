"""The project's one vocabulary: Frontex route/type pairs, enums, and parsers of targets.

Every module that needs a canonical name, a route/type pair, an enum or a target parser imports it
from here (STYLE.md: the same vocabulary is never written twice). Nothing here reads files.

Canonical names follow ``shared/data/README.md`` (Frontex Annual Risk Analysis 2015): eight routes,
two types, ten reported route/type pairs.

Examples
--------
>>> ROUTE_TYPES[2]
('Eastern Mediterranean', 'Land')
>>> text(Mode.SEA), text(None), text("x")
('sea', '', 'x')
>>> MODES.index("sea")
1
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

__all__ = [
    "route_order",
    "FRONTEX_PAIRS",
    "MARKET_KINDS",
    "MODES",
    "ROUTES",
    "ROUTE_TYPES",
    "TYPES",
    "EventKind",
    "FrontexRoute",
    "FrontexType",
    "Mode",
    "NodeKind",
    "Policy",
    "Side",
    "TargetType",
    "parse_edge",
    "parse_route",
    "text",
]


def text(value: Any) -> str:
    """The text of an enum member, plain value or ``None`` (as ``""``).

    Parameters
    ----------
    value : enum member, str, None or any object
        A scenario field value.

    Returns
    -------
    str
        ``value.value`` for an enum member, ``""`` for ``None``, else ``str(value)``.
    """
    if value is None:
        return ""
    return str(getattr(value, "value", value))


class NodeKind(StrEnum):
    """Kinds of places (DESIGN section 2). A place may have several, e.g. ``hub;origin``."""

    ORIGIN = "origin"
    HUB = "hub"
    TRANSIT = "transit"
    DEPARTURE = "departure"
    ARRIVAL = "arrival"
    EXIT = "exit"
    DESTINATION = "destination"


#: Market nodes, where migrants wait and buy passage: hubs and departure points.
MARKET_KINDS: frozenset[NodeKind] = frozenset({NodeKind.HUB, NodeKind.DEPARTURE})


class Mode(StrEnum):
    """Mode of travel on a segment."""

    LAND = "land"
    SEA = "sea"
    AIR = "air"


class Side(StrEnum):
    """Side of the border an agency works on: ``prevent`` (non-EU, no detection) or ``detect`` (EU)."""

    PREVENT = "prevent"
    DETECT = "detect"


class Policy(StrEnum):
    """How an agency sets its effort (DESIGN step 3): the timeline only, or adaptive (it also reacts
    to rising detections after a lag; ``parameters.enforcement``)."""

    TIMELINE = "timeline"
    ADAPTIVE = "adaptive"


class TargetType(StrEnum):
    """What an agency or event targets: an edge ``A->B``, a node, or a route ``Route/Type``; an
    ``effort_change`` or ``detention_change`` event may also name an agency (every row of that agency)."""

    EDGE = "edge"
    NODE = "node"
    ROUTE = "route"
    AGENCY = "agency"


class EventKind(StrEnum):
    """Kinds of enforcement events (DESIGN section 3, step 1); effects in ``parameters.events``."""

    PATROL_SURGE = "patrol_surge"
    FENCE = "fence"
    SEARCH_AND_RESCUE = "search_and_rescue"
    BORDER_PATROL = "border_patrol"
    NAVAL_OPERATION = "naval_operation"
    HUB_CRACKDOWN = "hub_crackdown"
    LEGAL_CHANGE = "legal_change"
    #: not an effect of its own: changes the standing effort of the agency rows it targets
    EFFORT_CHANGE = "effort_change"
    #: not an effect of its own: changes the detention days or places of the detaining agency rows it targets
    DETENTION_CHANGE = "detention_change"


class FrontexRoute(StrEnum):
    """Canonical Frontex route names (``shared/data/README.md``, Frontex Annual Risk Analysis 2015)."""

    CENTRAL_MEDITERRANEAN = "Central Mediterranean"
    EASTERN_MEDITERRANEAN = "Eastern Mediterranean"
    WESTERN_BALKAN = "Western Balkan"
    WESTERN_MEDITERRANEAN = "Western Mediterranean"
    CIRCULAR = "Circular route from Albania to Greece"
    EASTERN_BORDERS = "Eastern Borders"
    WESTERN_AFRICAN = "Western African"
    BLACK_SEA = "Black Sea"


class FrontexType(StrEnum):
    """Frontex border type; a property of the border edge (Evros river boats count as Land)."""

    SEA = "Sea"
    LAND = "Land"


#: The ten route/type pairs Frontex reports (Annual Risk Analysis 2015), in its table order.
FRONTEX_PAIRS: tuple[tuple[FrontexRoute, FrontexType], ...] = (
    (FrontexRoute.CENTRAL_MEDITERRANEAN, FrontexType.SEA),
    (FrontexRoute.EASTERN_MEDITERRANEAN, FrontexType.SEA),
    (FrontexRoute.EASTERN_MEDITERRANEAN, FrontexType.LAND),
    (FrontexRoute.WESTERN_BALKAN, FrontexType.LAND),
    (FrontexRoute.WESTERN_MEDITERRANEAN, FrontexType.SEA),
    (FrontexRoute.WESTERN_MEDITERRANEAN, FrontexType.LAND),
    (FrontexRoute.CIRCULAR, FrontexType.LAND),
    (FrontexRoute.EASTERN_BORDERS, FrontexType.LAND),
    (FrontexRoute.WESTERN_AFRICAN, FrontexType.SEA),
    (FrontexRoute.BLACK_SEA, FrontexType.SEA),
)


#: The ten canonical (route, type) pairs as plain strings, in the order of DESIGN.md C1.
ROUTE_TYPES: tuple[tuple[str, str], ...] = tuple((r.value, t.value) for r, t in FRONTEX_PAIRS)

#: The eight canonical Frontex route names, in the order of :data:`ROUTE_TYPES`.
ROUTES: tuple[str, ...] = tuple(dict.fromkeys(route for route, _ in ROUTE_TYPES))

#: The two Frontex border types.
TYPES: tuple[str, ...] = ("Sea", "Land")


def route_order(route: str, kind: str = "") -> tuple[int, int]:
    """Sort key of a (route, type) row as Frontex's tables list them: the routes in the order of
    :data:`ROUTES`, other names after them, ``Total`` last; Sea before Land within a route."""
    rank = len(ROUTES) + 1 if route == "Total" else (ROUTES.index(route) if route in ROUTES else len(ROUTES))
    return rank, TYPES.index(kind) if kind in TYPES else len(TYPES)

#: Modes of travel in the order of the network's integer mode codes.
MODES: tuple[str, ...] = tuple(m.value for m in Mode)


def parse_edge(text: str) -> tuple[str, str]:
    """Split an edge target ``A->B`` into its endpoints.

    Parameters
    ----------
    text : str
        ``source->target``; spaces around the arrow are ignored.

    Returns
    -------
    tuple of str
        ``(source, target)``.

    Raises
    ------
    ValueError
        If the text is not two non-empty names joined by ``->``.

    Examples
    --------
    >>> parse_edge("Edirne->Orestiada")
    ('Edirne', 'Orestiada')
    """
    parts = [p.strip() for p in text.split("->")]
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"expected an edge 'A->B', got {text!r}")
    return parts[0], parts[1]


def parse_route(text: str) -> tuple[FrontexRoute, FrontexType]:
    """Split a route target ``Route/Type`` into a canonical Frontex route and type.

    Parameters
    ----------
    text : str
        e.g. ``Central Mediterranean/Sea``.

    Returns
    -------
    tuple
        ``(FrontexRoute, FrontexType)``, one of :data:`FRONTEX_PAIRS`.

    Raises
    ------
    ValueError
        If the text is not ``Route/Type`` with canonical names forming a reported pair.

    Examples
    --------
    >>> parse_route("Eastern Mediterranean/Land")
    (<FrontexRoute.EASTERN_MEDITERRANEAN: 'Eastern Mediterranean'>, <FrontexType.LAND: 'Land'>)
    """
    route, sep, kind = text.rpartition("/")
    if not sep:
        raise ValueError(f"expected a route 'Route/Type', got {text!r}")
    try:
        pair = (FrontexRoute(route.strip()), FrontexType(kind.strip()))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a canonical Frontex route/type; routes: "
            f"{', '.join(repr(r.value) for r in FrontexRoute)}; types: 'Sea', 'Land'"
        ) from None
    if pair not in FRONTEX_PAIRS:
        raise ValueError(f"Frontex reports no pair {text!r}")
    return pair
