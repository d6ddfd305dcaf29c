import { document } from "../testutil/dom.js";
import { FakeWebSocket, fakeLocation, fakeStorage } from "../testutil/fakes.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "../src/socket.js";
import { targetOf } from "../src/component.js";

function page(html) {
  FakeWebSocket.all = [];
  document.body.innerHTML = `<div live-root live-token="tok">${html}</div>`;
  const root = document.body.firstChild;
  const p = connect(root, { WebSocket: FakeWebSocket, location: fakeLocation(), storage: fakeStorage(), base: 1, cap: 5 });
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  return { root, p, ws };
}

test("targetOf: a named component, the enclosing one, or the view", () => {
  document.body.innerHTML = `<div id="cart-1" live-component>
      <button id="mine" live-target>+</button>
      <button id="other" live-target=" cart-2 ">+</button>
      <button id="view">+</button>
    </div><button id="lost" live-target>?</button>`;
  const $ = (s) => document.querySelector(s);
  assert.equal(targetOf($("#mine")), "cart-1");
  assert.equal(targetOf($("#other")), "cart-2");
  assert.equal(targetOf($("#view")), "", "no live-target: the view, even inside a component");
  const warn = console.warn;
  let warned = 0;
  console.warn = () => warned++;
  try {
    assert.equal(targetOf($("#lost")), "", "a marker in no component: the view");
  } finally {
    console.warn = warn;
  }
  assert.equal(warned, 1, "and a warning");
  assert.equal(targetOf(null), "");
});

test("events: a component's event names it in the frame, values or not", () => {
  const { root, p, ws } = page(`<div id="cart-1" live-component><button id="b" live-target>+</button></div><button id="v">v</button>`);
  p.push("add", {}, root.querySelector("#b"), "live-click-loading");
  p.push("set", { n: "2" }, root.querySelector("#b"), "live-click-loading");
  p.push("inc", {}, root.querySelector("#v"), "live-click-loading");
  assert.deepEqual(ws.sent.slice(1), [[1, 1, "add", {}, "cart-1"], [1, 2, "set", { n: "2" }, "cart-1"], [1, 3, "inc"]]);
  p.stop();
});
