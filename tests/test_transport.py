"""The race player's message: arrays as raw bytes after a JSON header (read back by the page's player,
``unpack`` in assets/core.js, whose Node test writes the same layout by hand)."""

from __future__ import annotations

import base64
import json
import struct

import numpy as np
import pytest

from playground import figures
from playground.figures import transport
from playground.figures.player_data import payload
from playground.figures.transport import Binary, f32, pack, png, quantized, unpack
from playground.model.link import decode
from playground.model.simulate import simulate
from playground.page import player


def test_an_array_is_its_base64_text_and_keeps_its_bytes():
    values = np.array([1.0, -2.5, np.nan])
    got = f32(values)
    assert isinstance(got, str) and got.kind == "f32"
    assert got.raw == bytes([0, 0, 0x80, 0x3F, 0, 0, 0x20, 0xC0, 0, 0, 0xC0, 0x7F])
    assert base64.b64decode(got) == got.raw
    assert json.loads(json.dumps({"a": got})) == {"a": base64.b64encode(got.raw).decode()}
    q = quantized(np.array([[-2.0, 3.0], [np.nan, 0.0]]), [[-2, 2], [-1, 3]])
    assert q.kind == "u16" and np.frombuffer(q.raw, "<u2").tolist() == [0, 65534, 65535, 16384]
    with pytest.raises(ValueError):
        Binary(b"", "f64")


def test_the_message_layout():
    data = {"runs": [{"label": "Adam", "path": f32([1.0, -2.5, np.nan])}], "steps": 3,
            "iso": quantized(np.array([[0.0, 0.0]]), [[0, 1], [0, 1]])}
    message = pack(data)
    (size,) = struct.unpack_from("<I", message)
    assert (4 + size) % transport.ALIGN == 0
    header = json.loads(message[4 : 4 + size])
    assert header == {"runs": [{"label": "Adam", "path": {"$": "f32", "o": 0, "n": 12}}], "steps": 3,
                      "iso": {"$": "u16", "o": 16, "n": 4}}
    body = message[4 + size :]
    assert body[:12] == data["runs"][0]["path"].raw and body[16:20] == data["iso"].raw
    assert unpack(message) == json.loads(json.dumps(data))


def test_a_png_travels_as_bytes_and_reads_back_as_its_data_url():
    url = "data:image/png;base64," + base64.b64encode(b"\x89PNG fake").decode()
    image = png(url)
    assert image == url and image.raw == b"\x89PNG fake"
    assert unpack(pack({"image": image})) == {"image": url}
    with pytest.raises(ValueError):
        png("data:image/jpeg;base64,AAAA")


def test_the_page_s_payload_round_trips_and_is_smaller_than_its_json():
    exp, _ = decode("opt=sgd;momentum;rmsprop;adam;nadam;adagrad;adadelta;nesterov&steps=1000")
    race = simulate(exp)
    data = payload(race, "race", figures.backdrop(race.surface, figures.Theme()))
    message = pack(data)
    assert unpack(message) == json.loads(json.dumps(data))
    text = len(json.dumps(data).encode())
    # Base64 costs a third more: the packed message is at most 80% of the JSON.
    assert len(message) < 0.8 * text, (len(message), text)
    # 8 runs × 1,001 positions and losses as float32 are in it, byte for byte.
    first = data["runs"][0]
    assert first["path"].raw in message and first["loss"].raw in message


def test_a_backdrop_the_page_has_is_named_not_sent():
    data = {"id": "r1", "backdrop": "b1", "image": "data:image/png;base64,AAAA", "iso": "AAAA", "runs": []}
    sent: set[str] = set()
    first = player.without_known_backdrop(data, sent)
    assert first is data and sent == {"b1"}
    again = player.without_known_backdrop(data, sent)
    assert again["image"] is None and again["iso"] is None and again["backdrop"] == "b1" and again["id"] == "r1"
    assert data["image"], "the cached payload is left whole"
    # The player asked again (it lost it): the next run sends it.
    sent.discard("b1")
    assert player.without_known_backdrop(data, sent)["image"] == data["image"]
    # A 1-D race has no backdrop: nothing to leave out.
    flat = {"id": "r2", "curve": {}}
    assert player.without_known_backdrop(flat, sent) is flat
