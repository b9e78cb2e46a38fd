"""What the browser tests share: where the race player is, how to open the page on a link and wait
for the player's data, and how to wait for a step or a new revision (never a fixed pause)."""

from __future__ import annotations

import json

PLAYER = '[data-testid="race-player"]'
LOAD_TIMEOUT = 60_000
#: The player's root in page scripts: it renders inside an open shadow root.
ROOT_JS = ("[...document.querySelectorAll('*')].find(e => e.shadowRoot && e.shadowRoot.querySelector("
           "'[data-testid=race-player]')).shadowRoot.querySelector('[data-testid=race-player]')")
_FOUND_JS = ("(() => { const h = [...document.querySelectorAll('*')].find(e => e.shadowRoot &&"
             " e.shadowRoot.querySelector('[data-testid=race-player]'));"
             " return h ? h.shadowRoot.querySelector('[data-testid=race-player]') : null; })()")


def wait_revision(page, at_least: int, timeout: int = LOAD_TIMEOUT) -> None:
    """Until the player has drawn data ``at_least`` times (its ``data-revision``)."""
    page.wait_for_function(f"(n) => {{ const r = {_FOUND_JS}; return r && Number(r.dataset.revision) >= n; }}",
                           arg=at_least, timeout=timeout)


def wait_step(page, step: int, timeout: int = 10_000) -> None:
    """Until the player shows ``step`` (its ``data-step``)."""
    page.wait_for_function(f"(k) => {{ const r = {_FOUND_JS}; return r && r.dataset.step === String(k); }}",
                           arg=step, timeout=timeout)


def open_player(page, app_url: str, query: str = ""):
    """Open the page on ``query`` (with or without its ``?``) and wait for the player's first data."""
    page.goto(app_url + "/" + (query if not query or query.startswith("?") else "?" + query))
    player = page.locator(PLAYER)
    player.wait_for(timeout=LOAD_TIMEOUT)
    wait_revision(page, 1)
    return player


def seek(player, step: int) -> None:
    """Move the clock to ``step`` as the slider does, and wait for the frame."""
    player.locator(".rp-slider").evaluate(
        "(el, k) => { el.value = String(k); el.dispatchEvent(new Event('input', {bubbles: true})); }", step)
    wait_step(player.page, step)


def drawn_marks(player) -> list[dict]:
    """What the player drew at each head this frame (``data-marks``: heads, rings, edge markers, crosses)."""
    return json.loads(player.locator("canvas.rp-canvas").get_attribute("data-marks"))


def plot_boxes(player) -> list[list[float]]:
    """The plot boxes the canvas publishes, ``[left, top, width, height]`` in canvas CSS px."""
    text = player.locator("canvas.rp-canvas").get_attribute("data-plots") or ""
    return [[float(v) for v in part.split(",")] for part in text.split(";") if part]


def wait_idle(page, timeout: int = LOAD_TIMEOUT) -> None:
    """Until the page's script run has finished (Streamlit's own ``data-test-script-state``): after
    it, nothing more arrives for that change."""
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-testid=stApp]');"
        " return a && a.dataset.testScriptState === 'notRunning'; }", timeout=timeout)
