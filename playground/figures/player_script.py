"""The race player's code: the plain ES modules under ``assets/`` and their stylesheet, as text.

``core.js`` and ``layout.js`` hold the pure parts that the Node tests import; ``draw.js``,
``marks.js``, ``datapanel.js`` and ``paint.js`` draw, ``controls.js`` builds the controls, and
``player.js`` (the entry) ties them together. Where the server serves ``assets/`` as ``static/``
the page imports the modules as they are, through :func:`loader`; anywhere else (no static serving,
the standalone HTML export) they go inline as one module, :func:`script`. Which modules, and in what
order, is read from the modules' own ``import … from "./x.js"`` lines, so a new module is bundled by
importing it. Pure text, no Streamlit: the page and the HTML export both use it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

ASSETS = Path(__file__).resolve().parents[2] / "assets"
ENTRY = "player.js"

#: Where Streamlit serves the app's ``static/`` folder (``server.enableStaticServing``); ``static`` is a
#: link to ``assets/``, so the page's browser imports the player's modules as they are, once a page.
STATIC_URL = "app/static/"

# A named import of a neighbouring module, the only kind the modules use (and the only kind the
# bundle can resolve: the names are the same on both sides once the modules share one scope).
_IMPORT = re.compile(r"import\s*\{[^}]*\}\s*from\s*\"\./([\w.]+)\";\s*", re.S)
_RELATIVE = re.compile(r"\bfrom\s*\"\./")
_EXPORT = re.compile(r"^export (?=(?:async )?function |const |let |class )", re.M)


@cache
def asset_text(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def imports_of(text: str) -> list[str]:
    """The neighbouring modules a module's text imports from, in the order it names them."""
    return _IMPORT.findall(text)


def dependency_order(entry: str, read: Callable[[str], str]) -> tuple[str, ...]:
    """``entry`` and every module it imports, directly or not, each after the modules it imports
    from: a depth-first walk over the ``import … from "./x.js"`` lines, a module written when the
    modules it imports are. ``read(name)`` gives a module's text. Raises ValueError on a cycle."""
    order: list[str] = []
    walking: list[str] = []

    def visit(name: str) -> None:
        if name in walking:
            raise ValueError("the player's modules import in a cycle: " + " -> ".join([*walking[walking.index(name):],
                                                                                          name]))
        if name in order:
            return
        walking.append(name)
        for dep in imports_of(read(name)):
            visit(dep)
        walking.pop()
        order.append(name)

    visit(entry)
    return tuple(order)


@cache
def modules() -> tuple[str, ...]:
    """The player's modules, each after the ones it imports from; the entry last."""
    return dependency_order(ENTRY, asset_text)


def bundle(names: tuple[str, ...], read: Callable[[str], str]) -> str:
    """The modules ``names`` (each after the ones it imports from) as one ES module: their relative
    imports dropped, as the modules they name come before them in the same scope, and only the last
    module keeps its exports."""
    parts = [_IMPORT.sub("", read(name)) for name in names]
    for name, part in zip(names, parts, strict=True):
        if _RELATIVE.search(part):
            raise ValueError(f"{name}: only named imports ('import {{ a }} from \"./x.js\";') can be bundled")
    return "\n".join([*(_EXPORT.sub("", p) for p in parts[:-1]), parts[-1]])


@cache
def script() -> str:
    """The player as one ES module (the component's inline script, the HTML export's script): an
    inline script cannot import a neighbouring file."""
    return bundle(modules(), asset_text)


def style() -> str:
    return asset_text("player.css")


_LOADER = """
// The race player's entry: import its modules once a page (the browser keeps them), then hand each
// new run's data to them. Only this short text travels with every change, not the player's code.
const url = new URL("%(path)s?v=%(version)s", window.location.href).href;
let loading = null;
export default function (component) {
  loading ??= import(url);
  let cleanup = null;
  let gone = false;
  loading.then(
    (module) => { if (!gone) cleanup = module.default(component); },
    (error) => {
      const note = document.createElement("p");
      note.textContent = "The race player could not load its script (" + error.message + "). Reload the page.";
      component.parentElement.replaceChildren(note);
      loading = null;
    },
  );
  return () => { gone = true; if (cleanup) cleanup(); };
}
"""


@cache
def loader() -> str:
    """The component's script where the modules are served: a few lines that import the entry from
    the static folder. Its URL carries a digest of every module, so a new release imports a new
    entry; the modules it imports are revalidated by the browser as usual (``deploy/`` tells browsers
    to revalidate every time)."""
    digest = hashlib.sha1("".join(asset_text(name) for name in modules()).encode("utf-8")).hexdigest()[:12]
    return _LOADER % {"path": STATIC_URL + ENTRY, "version": digest}
