// constants.js is the one place for names and wire values; internal/protocol
// mirrors it and a Go test parses it, so its form is checked here, and its
// values against docs/protocol.md.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as C from "../src/constants.js";

const src = readFileSync(new URL("../src/constants.js", import.meta.url), "utf8");
const doc = readFileSync(new URL("../../docs/protocol.md", import.meta.url), "utf8");

function parse() {
  const out = {};
  for (const line of src.split("\n")) {
    if (line === "" || line.startsWith("//")) continue;
    const m = /^export const ([A-Z][A-Z0-9_]*) = (\d+|"[^"\\]*");$/.exec(line);
    assert.ok(m, `line not in the form export const NAME = value;: ${line}`);
    assert.ok(!(m[1] in out), `${m[1]} twice`);
    out[m[1]] = JSON.parse(m[2]);
  }
  return out;
}

// kinds returns name -> kind of the table rows "| 0 | name |" in the doc's
// section that starts with heading.
function kinds(heading) {
  const start = doc.indexOf(`## ${heading}`);
  assert.ok(start >= 0, `no section ${heading}`);
  const end = doc.indexOf("\n## ", start + 1);
  const out = {};
  for (const m of doc.slice(start, end < 0 ? undefined : end).matchAll(/^\| (\d+) \| (\w+) \|/gm)) {
    out[m[2]] = Number(m[1]);
  }
  return out;
}

test("constants.js is one export const per line, every export parseable", () => {
  const parsed = parse();
  assert.deepEqual(parsed, { ...C });
});

test("frame kinds agree with docs/protocol.md", () => {
  const up = kinds("Client to server");
  assert.deepEqual(
    { join: C.KIND_JOIN, event: C.KIND_EVENT, heartbeat: C.KIND_HEARTBEAT, resync: C.KIND_RESYNC, upload: C.KIND_UPLOAD, progress: C.KIND_PROGRESS },
    up,
  );
  const down = kinds("Server to client");
  assert.deepEqual(
    { reply: C.KIND_REPLY, patch: C.KIND_PATCH, heartbeat: C.KIND_PONG, error: C.KIND_ERROR, reload: C.KIND_RELOAD, push: C.KIND_PUSH, log: C.KIND_LOG, ack: C.KIND_ACK },
    down,
  );
});

test("op kinds agree with docs/protocol.md", () => {
  const ops = {};
  for (const [name, value] of Object.entries(C)) {
    if (name.startsWith("OP_")) ops[name.slice(3).replace(/_/g, "").toLowerCase()] = value;
  }
  assert.deepEqual(ops, kinds("Patch ops"));
  assert.equal(Object.keys(ops).length, 11);
});

test("wire keys appear in the protocol's join and event descriptions", () => {
  assert.equal(C.VERSION, 1);
  for (const k of [C.KEY_VERSION, C.KEY_TOKEN, C.KEY_URL, C.KEY_APPLIED, C.KEY_FORMS]) {
    assert.ok(doc.includes(`"${k}":`), `join key ${k}`);
  }
  assert.ok(doc.includes(`under \`${C.VALUE_TARGET}\``));
  assert.ok(doc.includes(`carry \`${C.VALUE_KEY}\``));
  for (const ns of [C.NS_SVG, C.NS_MATH]) assert.ok(doc.includes(`"${ns}"`), `namespace ${ns}`);
});

test("attribute and class names are live-* and distinct", () => {
  const names = Object.entries(C).filter(([k]) => k.startsWith("ATTR_") || k.startsWith("CLASS_"));
  for (const [k, v] of names) assert.match(v, /^live-[a-z-]+$/, k);
  // An attribute may share a class's name (live-connected is both the
  // binding that runs on a join and the root's class then); within each
  // kind, names are distinct.
  for (const kind of ["ATTR_", "CLASS_"]) {
    const values = names.filter(([k]) => k.startsWith(kind)).map(([, v]) => v);
    assert.equal(new Set(values).size, values.length, kind);
  }
});
