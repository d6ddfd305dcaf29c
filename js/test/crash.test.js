// A view that crashes again and again: the client backs off harder after
// each crash (close 1011) and, after five within a minute, stops
// reconnecting and shows live-error, rather than spinning.
import { document } from "../testutil/dom.js";
import { FakeWebSocket, fakeLocation, fakeStorage } from "../testutil/fakes.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "../src/socket.js";

function setup() {
  FakeWebSocket.all = [];
  document.body.innerHTML = '<div live-root live-token="tok"><p id="c">0</p></div>';
  const root = document.body.firstChild;
  const page = connect(root, {
    WebSocket: FakeWebSocket,
    location: fakeLocation(),
    storage: fakeStorage(),
    base: 100,
    cap: 100,
    downDelay: 30,
  });
  return { root, page };
}

// crash closes the current socket as a server whose view panicked does.
function crash() {
  const ws = FakeWebSocket.last();
  ws.readyState = 3;
  ws.onclose({ code: 1011, reason: "view crashed" });
}

// waitForSocket advances the clock by steps of 10 ms until the client opens
// a new socket, and returns how long that took.
function waitForSocket(t, limit = 60000) {
  const n = FakeWebSocket.all.length;
  for (let ms = 10; ms <= limit; ms += 10) {
    t.mock.timers.tick(10);
    if (FakeWebSocket.all.length > n) return ms;
  }
  return -1;
}

test("crash loop: each crash waits longer, the fifth within a minute gives up visibly", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"] });
  const errors = t.mock.method(console, "error", () => {});
  const { root, page } = setup();
  const waits = [];
  for (let i = 0; i < 4; i++) {
    FakeWebSocket.last().open(); // a Mount that panics on every join: no reply
    crash();
    waits.push(waitForSocket(t));
  }
  // A floor of base * 2^(crash - 1) plus a jitter below base: 100, 200, 400, 800.
  waits.forEach((w, i) => {
    assert.ok(w >= 100 * 2 ** i && w <= 100 * 2 ** i + 110, `wait after crash ${i + 1}: ${w} ms`);
  });
  FakeWebSocket.last().open();
  crash();
  assert.equal(waitForSocket(t), -1, "no reconnect after the fifth crash");
  assert.ok(root.classList.contains("live-error"));
  for (const c of ["live-loading", "live-connected", "live-disconnected"]) assert.ok(!root.classList.contains(c), c);
  assert.ok(errors.mock.calls.some((c) => /crashed 5 times within a minute; not reconnecting/.test(c.arguments[0])));
  page.stop();
});

test("crash loop: crashes after a join count too, and pending events are settled", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"] });
  t.mock.method(console, "error", () => {});
  const { root, page } = setup();
  let failed = 0;
  for (let i = 0; i < 5; i++) {
    FakeWebSocket.last().open();
    FakeWebSocket.last().receive([0, 0]); // joined; then a message crashes it
    assert.ok(root.classList.contains("live-connected"));
    if (i === 4) page.push("late", {}, null, null, null, () => failed++);
    crash();
    if (i < 4) assert.ok(waitForSocket(t) > 0);
  }
  assert.ok(root.classList.contains("live-error"));
  assert.ok(!root.classList.contains("live-connected"));
  assert.equal(failed, 1, "the event in flight is settled with an error");
  page.stop();
});

test("crash loop: crashes older than a minute are forgotten", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"] });
  t.mock.method(console, "error", () => {});
  const { root, page } = setup();
  for (let i = 0; i < 12; i++) {
    FakeWebSocket.last().open();
    FakeWebSocket.last().receive([0, 0]);
    t.mock.timers.tick(20000); // one crash every 20 s: three a minute at most
    crash();
    assert.ok(waitForSocket(t) > 0, `crash ${i + 1}: reconnects`);
  }
  assert.ok(!root.classList.contains("live-error"));
  page.stop();
});

test("crash loop: other closes neither count nor wait longer", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"] });
  const { root, page } = setup();
  for (let i = 0; i < 10; i++) {
    FakeWebSocket.last().open();
    FakeWebSocket.last().drop(); // 1006
    const w = waitForSocket(t);
    assert.ok(w > 0 && w <= 110, `drop ${i + 1}: ${w} ms`);
  }
  assert.ok(!root.classList.contains("live-error"));
  page.stop();
});
