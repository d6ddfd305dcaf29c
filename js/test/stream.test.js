import { document, window } from "../testutil/dom.js";
import { dump } from "../testutil/tree.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { applyOps, DriftError } from "../src/patch.js";
import { viewport } from "../src/stream.js";

function page(html) {
  document.body.innerHTML = "";
  const root = document.createElement("div");
  root.setAttribute("live-root", "");
  root.innerHTML = html;
  document.body.appendChild(root);
  return root;
}

function same(root, html) {
  const want = document.createElement("div");
  want.innerHTML = html;
  assert.equal(dump(root), dump(want));
}

// The fixture the Go applier (livetest's) runs too: both must agree.
const fx = JSON.parse(readFileSync(new URL("../../internal/htmldiff/testdata/stream/batches.json", import.meta.url)));

test("stream batches apply as internal/htmldiff applies them", () => {
  const root = page(fx.before);
  fx.steps.forEach((s, i) => {
    applyOps(root, s.ops);
    const want = document.createElement("div");
    want.innerHTML = s.after;
    assert.equal(dump(root), dump(want), `step ${i}`);
  });
});

test("an item already shown is morphed in place and keeps its state", () => {
  const root = page('<ul id="s" live-update="stream"><li id="a"><input id="f"></li><li id="b">b</li></ul>');
  const input = root.querySelector("#f");
  const li = root.querySelector("#a");
  applyOps(root, [[10, "s", [], 0, 0, [], [["a", 0, '<li id="a" class="x"><input id="f"></li>']]]]);
  assert.equal(root.querySelector("#a"), li, "the element was replaced");
  assert.equal(li.className, "x");
  assert.equal(root.querySelector("#f"), input, "the field was replaced");
  same(root, '<ul id="s" live-update="stream"><li id="a" class="x"><input id="f"></li><li id="b">b</li></ul>');
});

test("stream op text stays text and malformed ops are drift", () => {
  const root = page('<ul id="s" live-update="stream"></ul>');
  for (const bad of [
    [10, "s", [], 2, 0, [], []],
    [10, "s", [], 0, "1", [], []],
    [10, "s", [], 0, 0, [1], []],
    [10, "s", [], 0, 0, [], [["a", "0", "<li>"]]],
    [10, "s", [], 0, 0, [], [["a", 0]]],
    [10, "s", [], 0, 0, [], null],
    [10, "nowhere", [], 0, 0, [], []],
  ]) {
    assert.throws(() => applyOps(root, [bad]), DriftError, JSON.stringify(bad));
  }
  same(root, '<ul id="s" live-update="stream"></ul>');
});

test("the viewport sends one event per edge item, none while one is in flight", () => {
  const observed = [];
  let report;
  window.IntersectionObserver = class {
    constructor(cb) {
      report = cb;
    }
    observe(el) {
      observed.push(el);
    }
    disconnect() {
      observed.length = 0;
    }
  };
  try {
    const root = page('<ul id="s" live-update="stream" live-viewport-bottom="more"><li id="a">a</li><li id="b">b</li></ul>');
    const sent = [];
    const sync = viewport(root, (name, values, el, cls, held, done) => sent.push({ name, el, cls, done }));
    assert.deepEqual(observed.map((e) => e.id), ["b"]);
    const b = root.querySelector("#b");
    report([{ target: b, isIntersecting: true }]);
    report([{ target: b, isIntersecting: true }]);
    assert.equal(sent.length, 1, "one event while it is in flight");
    assert.equal(sent[0].name, "more");
    assert.equal(sent[0].cls, "live-viewport-bottom-loading");
    sent[0].done();
    report([{ target: b, isIntersecting: true }]);
    assert.equal(sent.length, 1, "the same edge item sends no second event");
    applyOps(root, [[10, "s", [], 0, 0, [], [["c", -1, '<li id="c">c</li>']]]]);
    sync();
    assert.deepEqual(observed.map((e) => e.id), ["c"]);
    report([{ target: root.querySelector("#a"), isIntersecting: true }]);
    report([{ target: root.querySelector("#c"), isIntersecting: false }]);
    assert.equal(sent.length, 1, "an item that is not at the edge, or not in view, sends nothing");
    report([{ target: root.querySelector("#c"), isIntersecting: true }]);
    assert.equal(sent.length, 2, "the new edge item sends the next event");
  } finally {
    delete window.IntersectionObserver;
  }
});
