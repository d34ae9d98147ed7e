"""Interactive app on Mesa's SolaraViz: step the model in a browser and pull its main levers.

``routesim app [SCENARIO]`` serves it (optional extra ``app``: ``pip install -e ".[app]"``). The
page shows the route map with the flows on the segments (persons who set off across each segment
this month), Step / Play / Reset, a seed field, a switch per named enforcement event, an agency
whose standing effort can be scaled, and live charts: detections by route over the last 365
simulated days against the observed 2014 figures, and the reputation of the market hubs.

Reset builds a new model from the values shown in the controls, and the controls keep showing
those values afterwards. (Mesa's own input widgets are drawn with the *initial* value of each
parameter, so after a Reset they would snap back to the defaults while the model runs with the
changed values; here the page re-reads every value from the model it has just built.)

Nothing in the library imports this module: solara is only needed for the app.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim import plots
from sim.model import SmugglingModel
from sim.observed import routes_annual
from sim.scenario import Scenario, load_scenario
from sim.snapshot import describe, snapshot

__all__ = ["AppModel", "app_parameters", "variant", "serve", "solara_available", "DEFAULT_PERSONS_PER_AGENT", "SCENARIO_ENV"]

#: Environment variable through which ``routesim app`` tells the served page its scenario file.
SCENARIO_ENV = "ROUTESIM_APP_SCENARIO"
#: Persons per agent of the app's runs unless the scenario asks for more (a coarse, fast model).
DEFAULT_PERSONS_PER_AGENT = 20
#: Days of detections the live chart sums (compared with one observed year).
WINDOW_DAYS = 365
#: Hubs drawn in the reputation chart (the most reputed at the last step).
TOP_HUBS = 8
NO_AGENCY = "(none)"


def _text(v: Any) -> str:
    return "" if v is None else str(getattr(v, "value", v))


def event_label(ev) -> str:
    """A short label of a scenario event: kind, target and start date."""
    return f"{_text(ev.kind).replace('_', ' ')}: {ev.target} from {ev.start}"


def agency_names(scenario: Scenario) -> list[str]:
    """Agencies of the scenario, each once, in table order."""
    return list(dict.fromkeys(a.agency for a in scenario.agencies))


def variant(base: Scenario, *, events_on: list[bool] | None = None, agency: str = NO_AGENCY,
            effort_scale: float = 1.0) -> Scenario:
    """The scenario with some events switched off and one agency's standing effort scaled.

    Parameters
    ----------
    base : Scenario
    events_on : list of bool, optional
        One flag per row of ``base.events``; False drops that event. Default: all on.
    agency : str
        Name of the agency whose effort (every row of it) is multiplied by ``effort_scale``; the
        result is clipped to the schema's bound of 10.
    effort_scale : float
        >= 0.

    Returns
    -------
    Scenario
        A validated copy (``with_overrides``).

    Raises
    ------
    KeyError
        If ``agency`` is neither an agency of ``base`` nor ``"(none)"``.
    """
    changes: dict[str, Any] = {}
    if events_on is not None:
        changes["events"] = [ev for ev, on in zip(base.events, events_on, strict=True) if on]
    if agency and agency != NO_AGENCY:
        if agency not in agency_names(base):
            raise KeyError(f"no agency {agency!r} in scenario {base.name!r}")
        changes["agencies"] = [
            a.model_copy(update={"effort": min(10.0, a.effort * float(effort_scale))}) if a.agency == agency else a
            for a in base.agencies
        ]
    return base.with_overrides(**changes) if changes else base


def _as_int(text: Any, default: int) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        return default


class AppModel(SmugglingModel):
    """The model as the app runs it: a scenario variant from the controls, and live chart data.

    Parameters
    ----------
    base : Scenario
        The scenario the app was started with.
    seed : int or str
        The model's seed (text from the seed field; not an integer -> the scenario's seed).
    agency : str
        Agency whose standing effort is scaled, or ``"(none)"``.
    effort_scale : float
        Multiplier of that agency's effort.
    **switches
        ``event_<i>``: bool, whether the i-th event of ``base`` is on (default on). Other keyword
        arguments (Mesa's own ``scenario`` on a Reset) are ignored.

    Attributes
    ----------
    settings : dict
        The values the model was built with, under the names of the controls (what the page shows).
    """

    def __init__(self, base: Scenario, seed: int | str = "", agency: str = NO_AGENCY,
                 effort_scale: float = 1.0, **switches: Any):
        n_events = len(base.events)
        events_on = [bool(switches.get(f"event_{i}", True)) for i in range(n_events)]
        seed_i = _as_int(seed, int(base.seed))
        sc = variant(base, events_on=events_on, agency=agency, effort_scale=effort_scale)
        super().__init__(sc, seed=seed_i)
        self.base = base
        self.settings: dict[str, Any] = {
            "seed": str(seed_i), "agency": agency, "effort_scale": float(effort_scale),
            **{f"event_{i}": on for i, on in enumerate(events_on)},
        }
        self.route_days: deque[pd.Series] = deque(maxlen=WINDOW_DAYS)
        self.reputation_rows: list[tuple] = []

    def step(self) -> None:
        """One day, then record the day's detections by route and the hubs' reputations."""
        super().step()
        snap = snapshot(self)
        det = snap["detections"]
        self.route_days.append(det.groupby(["route", "type"])["detections"].sum())
        d = self.current_date
        self.reputation_rows.extend((d, h, r) for h, r in zip(snap["hubs"]["hub"], snap["hubs"]["reputation"],
                                                                strict=True))
        self._snap = snap

    def last_snapshot(self) -> dict[str, pd.DataFrame]:
        """The snapshot of the last step (taken now if the model has not stepped)."""
        snap = getattr(self, "_snap", None)
        return snap if snap is not None else snapshot(self)

    def detections_window(self) -> pd.DataFrame:
        """Detections by route and type over the last (up to 365) simulated days, with observed 2014.

        Returns
        -------
        pandas.DataFrame
            ``route, type, simulated, observed_2014, days`` (``days``: the days summed).
        """
        obs = routes_annual()
        obs = obs[obs["year"] == 2014].set_index(["route", "type"])["detections"]
        sim = pd.Series(0.0, index=obs.index)
        for s in self.route_days:
            sim = sim.add(s, fill_value=0.0)
        out = pd.DataFrame({"simulated": sim.reindex(obs.index, fill_value=0.0), "observed_2014": obs})
        out["days"] = len(self.route_days)
        return out.reset_index()


def app_parameters(base: Scenario, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``model_params`` of SolaraViz: the controls, showing ``settings`` (or the defaults).

    Parameters
    ----------
    base : Scenario
    settings : dict, optional
        ``AppModel.settings`` of the current model.

    Returns
    -------
    dict
        ``base`` (fixed), ``seed`` (a text field), ``agency`` (a select), ``effort_scale`` (a
        slider 0-4), and one checkbox ``event_<i>`` per event of ``base``.
    """
    s = settings or {}
    params: dict[str, Any] = {
        "base": base,
        "seed": {"type": "InputText", "label": "Seed", "value": s.get("seed", str(base.seed))},
        "agency": {"type": "Select", "label": "Agency to scale", "value": s.get("agency", NO_AGENCY),
                   "values": [NO_AGENCY, *agency_names(base)]},
        "effort_scale": {"type": "SliderFloat", "label": "Effort x", "value": s.get("effort_scale", 1.0),
                         "min": 0.0, "max": 4.0, "step": 0.25},
    }
    for i, ev in enumerate(base.events):
        params[f"event_{i}"] = {"type": "Checkbox", "label": event_label(ev), "value": s.get(f"event_{i}", True)}
    return params


def settings_text(model: AppModel) -> str:
    """What the model runs with, read from the model itself: seed, events in force, scaled effort."""
    on = _events_on(model)  # rows of the events table (the model's timeline leaves detention_change rows out)
    off = [event_label(ev) for ev, keep in zip(model.base.events, on, strict=True) if not keep]
    lines = [f"seed: {model._seed}",
             f"events in force: {sum(on)} of {len(model.base.events)}"
             + (f" (off: {'; '.join(off)})" if off else "")]
    agency = model.settings["agency"]
    if agency != NO_AGENCY:
        efforts = ", ".join(f"{a.effort:g}" for a in model.agencies if a.name == agency)
        lines.append(f"{agency}: standing effort {efforts} (x{model.settings['effort_scale']:g})")
    return "\n".join(lines)


def _events_on(model: AppModel) -> list[bool]:
    return [bool(model.settings[f"event_{i}"]) for i in range(len(model.base.events))]


def detections_caption(model: AppModel) -> str:
    """One line under the detections chart: simulated total over the window against observed 2014."""
    tab = model.detections_window()
    return (f"simulated detections over the last {tab['days'].iat[0]} days: {tab['simulated'].sum():,.0f}; "
            f"observed in 2014: {tab['observed_2014'].sum():,.0f}")


# ---------------------------------------------------------------------------- figures
def map_figure(model: AppModel) -> Figure:
    """The route map with this month's flows (persons setting off) on the segments."""
    snap = model.last_snapshot()
    seg = snap["segments"].rename(columns={"segment": "edge", "attempts_month": "attempts",
                                           "prevented_month": "prevented"})
    fig = plots.route_map(model.spec.nodes, model.spec.segments, seg[["edge", "attempts", "prevented"]])
    fig.axes[0].set_title(f"{model.spec.name}: flows in {model.current_date:%B %Y} (persons)")
    return fig


def detections_figure(model: AppModel) -> Figure:
    """Detections by route and type over the last 365 days (or fewer) against observed 2014."""
    tab = model.detections_window()
    fig = Figure(figsize=(6.5, 4.0), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(tab))
    ax.barh(y - 0.2, tab["observed_2014"], height=0.4, color="0.6", label="observed 2014 (Frontex)")
    ax.barh(y + 0.2, tab["simulated"], height=0.4, color="C3", label=f"simulated, last {tab['days'].iat[0]} days")
    ax.set_yticks(y, [f"{r} {t}" for r, t in zip(tab["route"], tab["type"], strict=True)], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("detections (persons)")
    ax.set_title("Detections by route")
    ax.legend(fontsize=7, loc="lower right")
    return fig


def reputation_figure(model: AppModel) -> Figure:
    """Reputation (0-1) of the most reputed market hubs over the simulated days."""
    fig = Figure(figsize=(6.5, 4.0), layout="constrained")
    ax = fig.subplots()
    rows = pd.DataFrame(model.reputation_rows, columns=["date", "hub", "reputation"])
    if len(rows):
        last = rows[rows["date"] == rows["date"].max()].nlargest(TOP_HUBS, "reputation")["hub"]
        wide = rows[rows["hub"].isin(last)].pivot(index="date", columns="hub", values="reputation")
        for hub in last:
            ax.plot(wide.index, wide[hub], label=hub)
        ax.legend(fontsize=7, ncol=2)
    ax.set_ylim(0, 1)
    ax.set_ylabel("reputation (0-1)")
    ax.set_title("Hub reputation")
    fig.autofmt_xdate()
    return fig


# ---------------------------------------------------------------------------- serving
def solara_available() -> bool:
    """Whether the optional extra ``app`` (solara) is installed."""
    import importlib.util

    return importlib.util.find_spec("solara") is not None


def serve_command(host: str = "127.0.0.1", port: int = 8765, open_browser: bool = False) -> list[str]:
    """The command that serves the app: ``python -m solara run sim.app`` (production mode, offline).

    ``--no-check-version`` keeps solara from asking the package index for a newer release.
    """
    return [sys.executable, "-m", "solara", "run", "sim.app", "--host", host, "--port", str(int(port)),
            "--production", "--no-check-version", "--open" if open_browser else "--no-open"]


def serve(scenario: str | Path, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = False) -> int:
    """Serve the app for ``scenario`` until interrupted; return the server's exit status.

    Parameters
    ----------
    scenario : str or Path
        Scenario YAML file (the caller has validated it).
    host, port : str, int
        Where to listen (port 0: a free port chosen by the server).
    open_browser : bool
        Open the page in a browser.

    Raises
    ------
    ModuleNotFoundError
        If solara (the optional extra ``app``) is not installed.
    """
    if not solara_available():
        raise ModuleNotFoundError("routesim app needs the optional extra 'app': pip install -e '.[app]'")
    env = {**os.environ, SCENARIO_ENV: str(Path(scenario).resolve())}
    return subprocess.call(serve_command(host, port, open_browser), env=env)


# ---------------------------------------------------------------------------- solara page
def _load_base() -> Scenario:
    path = os.environ.get(SCENARIO_ENV) or str(Path("scenarios") / "baseline_2014.yaml")
    base = load_scenario(path)
    if base.persons_per_agent < DEFAULT_PERSONS_PER_AGENT:
        base = base.with_overrides(persons_per_agent=DEFAULT_PERSONS_PER_AGENT)
    return base


def _components():
    import solara

    @solara.component
    def MapView(model):
        from mesa.visualization.utils import update_counter

        update_counter.get()
        solara.FigureMatplotlib(map_figure(model), format="png", dpi=90)

    @solara.component
    def StatusView(model):
        from mesa.visualization.utils import update_counter

        update_counter.get()
        solara.Markdown(f"**Date: {model.current_date.isoformat()}**")
        solara.Preformatted(describe(model) + "\n" + settings_text(model))

    @solara.component
    def DetectionsView(model):
        from mesa.visualization.utils import update_counter

        update_counter.get()
        with solara.Column():
            solara.FigureMatplotlib(detections_figure(model), format="png", dpi=90)
            solara.Text(detections_caption(model))

    @solara.component
    def ReputationView(model):
        from mesa.visualization.utils import update_counter

        update_counter.get()
        solara.FigureMatplotlib(reputation_figure(model), format="png", dpi=90)

    return [(StatusView, 0), (MapView, 0), (DetectionsView, 0), (ReputationView, 0)]


def _page():
    import solara
    from mesa.visualization import SolaraViz

    @solara.component
    def Page():
        base = solara.use_memo(_load_base, [])
        components = solara.use_memo(_components, [])
        model = solara.use_reactive(solara.use_memo(lambda: AppModel(base=base), []))
        # the controls show the values the current model was built with (kept across a Reset)
        params = app_parameters(base, model.value.settings)
        SolaraViz(model, components=components, model_params=params, name=f"routesim: {base.name}",
                  play_interval=50)

    return Page


def __getattr__(name: str):
    # solara looks up ``Page`` in the module it serves; built lazily so importing this module
    # needs no solara
    if name == "Page":
        return _page()
    raise AttributeError(name)
