"""The page's look: margins, presentation mode's larger text, the theme, user text as code."""

from __future__ import annotations

import streamlit as st

from playground import figures
from playground.model import views

# On a narrow screen the view picker's buttons wrap onto a second row instead of running off the
# right edge (a phone shows five of eight otherwise), and a formula is set a little smaller and
# scrolls sideways when it is still wider than the screen (the oblong bowl's is, on a phone).
_NARROW = """
@media (max-width: 640px) {
  [data-testid="stButtonGroup"] > div {flex-wrap: wrap; row-gap: 0.25rem;}
  .katex-display {overflow-x: auto; overflow-y: hidden;}
  .katex-display > .katex {font-size: 1em;}
}
"""

_STYLE = f"""
<style>
.block-container {{padding-top: 2.2rem;}}
/* On a phone Streamlit's header bar (the sidebar's button) stays over the page's top: the first line,
   a lesson's title, starts under it. */
@media (max-width: 640px) {{ .block-container {{padding-top: 4rem;}} }}
{_NARROW}
</style>
"""

# Presentation mode scales the whole page's text: Streamlit sizes text in rem, so a larger root font
# enlarges tabs, tables, the formula, lesson text and captions alike (the player follows its own
# data). Gaps between blocks shrink, so the player keeps the first screen.
_PRESENT_STYLE = f"""
<style>
html {{font-size: 20px;}}
.block-container {{padding: 0.3rem 1rem 1rem 1rem; max-width: 100%;}}
header[data-testid="stHeader"] {{height: 0; min-height: 0; visibility: hidden;}}
.block-container [data-testid="stVerticalBlock"] {{gap: 0.3rem;}}
.block-container [data-testid="stMarkdownContainer"] p {{margin-bottom: 0;}}
.block-container [data-testid="stExpander"] [data-testid="stMarkdownContainer"] p {{margin-bottom: 0.7em;}}
{_NARROW}
</style>
"""


def page_style(present: bool) -> None:
    """Tighter margins; in presentation mode, chrome hidden and larger text (fixed CSS, no user input)."""
    st.markdown(_PRESENT_STYLE if present else _STYLE, unsafe_allow_html=True)


def preload_plotly(view: str):
    """On a session's first run on a Plotly view, an empty chart before the sidebar is built: the
    browser then fetches Plotly's 4.7 MB bundle while the server is still working. The race player
    needs no Plotly, so a first visit to the race (the usual one) loads none. Returns the slot to
    clear afterwards."""
    slot = st.empty()
    # A view drawn without Plotly (views.View.plotly) must not pay for its bundle on a first visit.
    if views.BY_KEY[view].plotly and not st.session_state.get("plotly_preloaded"):
        st.session_state.plotly_preloaded = True
        empty = {"data": [{"type": "scatter", "x": [], "y": []}],
                 "layout": {"height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}}}
        slot.plotly_chart(figures.for_streamlit(empty), config={"staticPlot": True}, theme=None)
    return slot


def dark_theme() -> bool:
    try:
        return st.context.theme.type == "dark"
    except AttributeError:
        return False


def code_span(text: str) -> str:
    """User text as inline code in Markdown: a backtick inside it could close the span, so it is
    shown as a look-alike quote."""
    return "`" + text.replace("`", "\u02cb") + "`"
