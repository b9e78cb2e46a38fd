// The component's packed message (playground/page/transport.py), read back by the player; the bytes
// are written by hand here, and tests/test_transport.py checks Python's packing against the same layout.
import assert from "node:assert/strict";
import { test } from "node:test";

import { decodeFloat32, decodeQuantized, unpack } from "../../assets/core.js";

/** A message: uint32 header length, the header padded so the arrays start 8-aligned, then the arrays. */
function message(header, body) {
  let text = JSON.stringify(header);
  while ((4 + text.length) % 8) text += " ";
  const head = new TextEncoder().encode(text);
  const out = new Uint8Array(4 + head.length + body.length);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  out.set(body, 4 + head.length);
  return out;
}

// 1.0 = 00 00 80 3f, -2.5 = 00 00 20 c0, NaN = 00 00 c0 7f; then padding; then two uint16 (0, 65535).
const BODY = new Uint8Array([0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0, 0, 0, 0xc0, 0x7f, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
  0, 0, 0, 0, 0x89, 0x50, 0x4e, 0x47]);

test("arrays come back typed where the header points, the rest as it was", () => {
  const got = unpack(message({ runs: [{ label: "Adam", path: { $: "f32", o: 0, n: 12 } }], steps: 3,
    iso: { $: "u16", o: 16, n: 4 }, image: { $: "png", o: 24, n: 4 }, note: { $: "x" } }, BODY));
  const path = got.runs[0].path;
  assert.ok(path instanceof Float32Array);
  assert.deepEqual([...path.slice(0, 2)], [1, -2.5]);
  assert.ok(Number.isNaN(path[2]));
  assert.equal(got.runs[0].label, "Adam");
  assert.equal(got.steps, 3);
  assert.ok(got.iso instanceof Uint16Array);
  assert.deepEqual([...got.iso], [0, 65535]);
  assert.equal(got.image, `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString("base64")}`);
  assert.deepEqual(got.note, { $: "x" }, "an object that merely has a $ key stays an object");
});

test("a message inside a larger buffer, at an odd offset, reads the same", () => {
  const inner = message({ a: { $: "f32", o: 0, n: 8 } }, BODY.subarray(0, 8));
  const outer = new Uint8Array(inner.length + 3);
  outer.set(inner, 3);
  const got = unpack(outer.subarray(3));
  assert.deepEqual([...got.a], [1, -2.5]);
});

test("the decoders take unpacked arrays as they are", () => {
  const f = new Float32Array([1, 2]);
  assert.equal(decodeFloat32(f), f);
  const q = decodeQuantized(new Uint16Array([0, 65534, 65535, 32767]), [[-2, 2], [-1, 3]]);
  assert.deepEqual([q[0], q[1]], [-2, 3]);
  assert.ok(Number.isNaN(q[2]));
  assert.ok(Math.abs(q[3] - 1) < 1e-4);
});
