"""How the race player's arrays travel: as raw bytes to the page, as base64 text in JSON elsewhere.
Pure bytes and NumPy, below the page: the payload (:mod:`playground.figures.player_data`), and
through it the standalone HTML export, use it without Streamlit.

An array is a :class:`Binary`: a ``str`` holding its base64 text (so the payload stays plain JSON for
the standalone HTML export and for reading in tests) that also keeps the raw bytes and their kind.
:func:`pack` turns a payload into one message of bytes for the component: a JSON header in which each
array is replaced by ``{"$": kind, "o": offset, "n": length}``, then the arrays themselves, each
starting on an 8-byte boundary. The page's player reads it back with ``unpack`` in ``assets/core.js``;
bytes skip base64's third more and its decoding in the browser.

The format is ours because nothing smaller fits: Streamlit's components take bytes, JSON, or Arrow
tables, and an Arrow table per array would cost more header than the arrays it holds.
"""

from __future__ import annotations

import base64
import json
import struct
from typing import Any

import numpy as np

KINDS = ("f32", "u16", "png")
PNG_URL = "data:image/png;base64,"
ALIGN = 8


class Binary(str):
    """An array's base64 text (a PNG's as a data URL), remembering its raw bytes and kind (``f32``,
    ``u16`` or ``png``)."""

    raw: bytes
    kind: str

    def __new__(cls, raw: bytes, kind: str) -> Binary:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        encoded = base64.b64encode(raw).decode("ascii")
        text = super().__new__(cls, PNG_URL + encoded if kind == "png" else encoded)
        text.raw, text.kind = raw, kind
        return text


def f32(values: np.ndarray) -> Binary:
    """float32, little-endian: 4 bytes a number, NaN kept (it marks a break in a polyline)."""
    arr = np.ascontiguousarray(np.asarray(values, dtype=np.float64).ravel(), dtype="<f4")
    return Binary(arr.tobytes(), "f32")


def quantized(points: np.ndarray, bounds) -> Binary:
    """Points as uint16 pairs across the window (65535 for NaN, a break): half the bytes of float32,
    and 1/65,534 of the window is far below a pixel. Used for the iso-lines only, never for paths."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    lo = np.array([b[0] for b in bounds], dtype=np.float64)
    hi = np.array([b[1] for b in bounds], dtype=np.float64)
    with np.errstate(invalid="ignore"):
        q = np.round((pts - lo) / (hi - lo) * 65534)
    q = np.where(np.isfinite(q), np.clip(q, 0, 65534), 65535).astype("<u2")
    return Binary(q.tobytes(), "u16")


def png(data_url: str) -> Binary:
    """A PNG given as a ``data:image/png;base64,`` URL."""
    if not data_url.startswith(PNG_URL):
        raise ValueError("expected a base64 PNG data URL")
    return Binary(base64.b64decode(data_url[len(PNG_URL) :]), "png")


def pack(data: Any) -> bytes:
    """One message: ``uint32`` header length (little-endian), the JSON header, then the arrays."""
    chunks: list[bytes] = []
    offset = 0

    def swap(value: Any) -> Any:
        nonlocal offset
        if isinstance(value, Binary):
            entry = {"$": value.kind, "o": offset, "n": len(value.raw)}
            pad = -len(value.raw) % ALIGN
            chunks.append(value.raw + b"\0" * pad)
            offset += len(value.raw) + pad
            return entry
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [swap(v) for v in value]
        return value

    header = json.dumps(swap(data), separators=(",", ":")).encode("utf-8")
    header += b" " * (-(4 + len(header)) % ALIGN)  # the arrays start aligned
    return struct.pack("<I", len(header)) + header + b"".join(chunks)


def unpack(message: bytes) -> Any:
    """The payload :func:`pack` was given, each array back as its base64 text (a PNG as its data
    URL): what the page's player reads, in the form tests compare."""
    (size,) = struct.unpack_from("<I", message)
    body = memoryview(message)[4 + size :]

    def back(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"$", "o", "n"} and value["$"] in KINDS:
            raw = bytes(body[value["o"] : value["o"] + value["n"]])
            text = base64.b64encode(raw).decode("ascii")
            return PNG_URL + text if value["$"] == "png" else text
        if isinstance(value, dict):
            return {k: back(v) for k, v in value.items()}
        if isinstance(value, list):
            return [back(v) for v in value]
        return value

    return back(json.loads(bytes(message[4 : 4 + size]).decode("utf-8")))
