"""The race as one self-contained HTML file that plays offline with the page's own player."""

from __future__ import annotations

import html as html_lib
import json

from playground.exports.settings import MIME, ExportResult, Progress, file_name, race_of, resolve_settings
from playground.figures import SIDE_BACKDROP, Theme, backdrop
from playground.figures.drawing import SEPARATOR, title_lines
from playground.figures.player_data import layout_for, payload
from playground.figures.player_script import script, style
from playground.model.experiment import Experiment
from playground.model.link import to_query_string
from playground.model.simulate import Simulation


def to_html(source: Experiment | Simulation, height: int | None = None,
            progress: Progress | None = None) -> ExportResult:
    """The race in one self-contained HTML file: the page's own race player (its JavaScript and CSS
    inline) with every step of the race as typed arrays. No server, no network, no plotly.js.

    The player sizes itself to the browser window; ``height``, when given, is its minimum height.
    """
    race = race_of(source)
    settings, messages = resolve_settings(race, "html", None, None, None, height)
    exp = race.experiment
    layout = layout_for(race, exp.view)
    theme = Theme(present=exp.present)
    drop = None
    if race.surface.dim != 1:
        drop = backdrop(race.surface, theme, **(SIDE_BACKDROP if layout == "side" else {}))
    data = payload(race, layout, drop, present=exp.present)
    name, details = title_lines(race)
    # Inside <script>, "</" could close the element early (a label is user text): JSON allows "<\/".
    blob = json.dumps(data, separators=(",", ":")).replace("</", "<\\/").replace("<!--", "<\\!--")
    query = html_lib.escape(to_query_string(exp))
    min_height = f"min-height:{settings.height}px;" if height is not None else ""
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_lib.escape(name)} — Optimizer Playground</title>
<style>
body {{ margin: 0; padding: 14px 20px; background: #ffffff; color: #1f2430;
       font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }}
h1 {{ font-size: 1.35rem; margin: 0 0 2px; }}
.details {{ margin: 0 0 10px; opacity: 0.75; }}
#race {{ {min_height} }}
footer {{ margin-top: 10px; font-size: 13px; opacity: 0.7; }}
</style>
<style>
{style()}
</style>
</head>
<body>
<h1>{html_lib.escape(name)}</h1>
<p class="details">{html_lib.escape(SEPARATOR.join(details))}</p>
<div id="race"></div>
<footer>Optimizer Playground · experiment: <code>{query}</code></footer>
<script type="application/json" id="race-data">{blob}</script>
<script type="module">
{script()}
mount(document.getElementById("race"), JSON.parse(document.getElementById("race-data").textContent));
</script>
</body>
</html>
"""
    if progress is not None:
        progress(1.0)
    return ExportResult(page.encode("utf-8"), file_name(race, "race", "html"), MIME["html"], messages)
