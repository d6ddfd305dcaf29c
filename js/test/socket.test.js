import { document, window } from "../testutil/dom.js";
import { FakeWebSocket, fakeLocation, fakeStorage } from "../testutil/fakes.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { backoff, connect, reloadAllowed } from "../src/socket.js";

test("backoff: full jitter below min(cap, base * 2^attempt), never negative", () => {
  for (let n = 0; n < 40; n++) {
    const bound = Math.min(5000, 200 * 2 ** n);
    assert.equal(backoff(n, 200, 5000, () => 0), 0);
    assert.ok(backoff(n, 200, 5000, () => 0.999999) < bound);
    assert.ok(backoff(n, 200, 5000, () => 0.999999) >= bound - 1);
    for (let i = 0; i < 50; i++) {
      const d = backoff(n);
      assert.ok(d >= 0 && d < bound, `attempt ${n}: ${d}`);
    }
  }
  assert.equal(backoff(1000, 200, 5000, () => 0.5), 2500, "huge attempts stay capped");
});

test("reloadAllowed: once per URL per 10 s, remembered in storage", () => {
  const s = fakeStorage();
  const u = "https://example.test/a";
  assert.equal(reloadAllowed(s, u, 1000), true);
  assert.equal(reloadAllowed(s, u, 1000 + 9999), false, "within 10 s: no loop");
  assert.equal(reloadAllowed(s, "https://example.test/b", 1000 + 5000), true, "another URL may reload");
  assert.equal(reloadAllowed(s, "https://example.test/b", 1000 + 6000), false);
  assert.equal(reloadAllowed(s, "https://example.test/b", 1000 + 5000 + 10000), true, "10 s later it may again");
});

test("reloadAllowed: odd storage", () => {
  const bad = fakeStorage();
  bad.setItem("templive:reload", "{not json");
  assert.equal(reloadAllowed(bad, "u", 1), true, "a malformed entry counts as none");
  const future = fakeStorage();
  future.setItem("templive:reload", JSON.stringify({ u: "u", t: 50000 }));
  assert.equal(reloadAllowed(future, "u", 1000), true, "a clock set back does not block forever");
  assert.equal(reloadAllowed(future, "u", 2000), false);
  const throwing = { getItem() { throw new Error("denied"); }, setItem() { throw new Error("denied"); } };
  assert.equal(reloadAllowed(throwing, "u", 1), false, "no storage: no reload, since it could loop");
  assert.equal(reloadAllowed(undefined, "u", 1), false);
});

function setup(options = {}) {
  FakeWebSocket.all = [];
  document.body.innerHTML = '<div live-root live-token="tok"><p id="c">0</p><button id="b">b</button></div>';
  const root = document.body.firstChild;
  const loc = options.location || fakeLocation();
  const storage = options.storage || fakeStorage();
  const page = connect(root, {
    WebSocket: FakeWebSocket,
    location: loc,
    storage,
    base: 1,
    cap: 5,
    downDelay: 30,
    ...options,
  });
  return { root, page, loc, storage };
}

test("join: the socket goes to the page's own URL and joins with the token", () => {
  const { page, root } = setup();
  const ws = FakeWebSocket.last();
  assert.equal(ws.url, "wss://example.test/app/page?x=1");
  assert.ok(root.classList.contains("live-loading"));
  ws.open();
  assert.deepEqual(ws.sent, [[0, { v: 1, t: "tok", u: "https://example.test/app/page?x=1", n: 0, f: [] }]]);
  ws.receive([0, 0]);
  assert.ok(root.classList.contains("live-connected"));
  assert.ok(!root.classList.contains("live-loading"));
  page.stop();

  setup({ location: fakeLocation("http://localhost:8080/x") }).page.stop();
  assert.equal(FakeWebSocket.last().url, "ws://localhost:8080/x");
});

test("events: queued until the join reply, refs increase, values omitted when empty", () => {
  const { page, root } = setup();
  const b = root.querySelector("#b");
  assert.equal(page.push("inc", {}, b, "live-click-loading"), 1);
  assert.equal(page.push("set", { n: "3" }, b, "live-click-loading"), 2);
  assert.ok(b.classList.contains("live-click-loading"));
  const ws = FakeWebSocket.last();
  ws.open();
  assert.equal(ws.sent.length, 1, "only the join before its reply");
  ws.receive([0, 0]);
  assert.deepEqual(ws.sent.slice(1), [[1, 1, "inc"], [1, 2, "set", { n: "3" }]]);
  ws.receive([0, 1, [[0, "c", [0], "1"]]]);
  assert.equal(root.querySelector("#c").textContent, "1");
  assert.ok(b.classList.contains("live-click-loading"), "ref 2 still waits");
  ws.receive([0, 2]);
  assert.ok(!b.classList.contains("live-click-loading"));
  assert.equal(page.push("again"), 3);
  assert.deepEqual(ws.sent.at(-1), [1, 3, "again"]);
  page.stop();
});

test("events: the loading class survives a patch of the class attribute until the reply", () => {
  const { page, root } = setup();
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  const b = root.querySelector("#b");
  page.push("go", null, b, "live-click-loading");
  ws.receive([1, [[1, "b", [], "class", "server"]]]);
  assert.equal(b.className, "server live-click-loading");
  ws.receive([0, 1]);
  assert.equal(b.className, "server");
  page.stop();
});

test("events: a reply leaves no empty class attribute on an element that had none", () => {
  const { page, root } = setup();
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  const b = root.querySelector("#b");
  assert.equal(b.getAttribute("class"), null);
  page.push("go", null, b, "live-click-loading");
  assert.equal(b.getAttribute("class"), "live-click-loading");
  ws.receive([0, 1]);
  assert.equal(b.hasAttribute("class"), false, b.outerHTML);
  assert.equal(b.outerHTML, '<button id="b">b</button>');
  page.stop();
});

test("events: the queue is bounded; the oldest event is dropped", (t) => {
  const errors = t.mock.method(console, "error", () => {});
  const { page, root } = setup({ queue: 2 });
  const b = root.querySelector("#b");
  page.push("one", null, b, "one-loading");
  page.push("two");
  page.push("three");
  assert.ok(!b.classList.contains("one-loading"));
  assert.match(errors.mock.calls[0].arguments[0], /"one" dropped/);
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  assert.deepEqual(ws.sent.slice(1), [[1, 2, "two"], [1, 3, "three"]]);
  page.stop();
});

test("error frame: logged with the event's name, loading class cleared", (t) => {
  const errors = t.mock.method(console, "error", () => {});
  const { page, root } = setup();
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  const b = root.querySelector("#b");
  page.push("save", null, b, "live-click-loading");
  ws.receive([3, 1, "no handler"]);
  assert.equal(errors.mock.callCount(), 1);
  assert.match(errors.mock.calls[0].arguments[0], /"save".*no handler/);
  assert.ok(!b.classList.contains("live-click-loading"));
  page.stop();
});

test("error frame before the join reply: live-error", (t) => {
  t.mock.method(console, "error", () => {});
  const { page, root } = setup();
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive([3, 0, "mount failed"]);
  assert.ok(root.classList.contains("live-error"));
  page.stop();
});

test("drift: the client asks for a resync and skips frames until its reply", (t) => {
  t.mock.method(console, "error", () => {});
  const warnings = t.mock.method(console, "warn", () => {});
  const { page, root } = setup();
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  ws.receive([1, [[0, "c", [0], "1"]]]);
  ws.receive([1, [[0, "gone", [0], "x"]]]);
  assert.deepEqual(ws.sent.at(-1), [3]);
  assert.equal(warnings.mock.callCount(), 1, "a drift is logged as a warning");
  ws.receive([1, [[0, "c", [0], "superseded"]]]);
  assert.equal(root.querySelector("#c").textContent, "1");
  ws.receive([0, 0, [[9, "", [], '<p id="c">5</p>']]]);
  assert.equal(root.innerHTML, '<p id="c">5</p>');
  ws.receive([1, [[0, "c", [0], "6"]]]);
  assert.equal(root.querySelector("#c").textContent, "6");
  assert.equal(ws.sent.filter((f) => f[0] === 3).length, 1);
  page.stop();
});

test("drift: a failed resync starts over with a fresh join", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  t.mock.method(console, "error", () => {});
  t.mock.method(console, "warn", () => {});
  const { page } = setup();
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  ws.receive([1, [[0, "gone", [0], "x"]]]);
  ws.receive([3, 0, "cannot render"]);
  assert.equal(ws.closed, true);
  t.mock.timers.tick(200);
  assert.equal(FakeWebSocket.all.length, 2);
  FakeWebSocket.last().open();
  assert.equal(FakeWebSocket.last().sent[0][1].n, 0, "the frame that drifted is not counted");
  page.stop();
});

test("reconnect: disconnected shows after a delay, rejoin carries the applied count", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const { page, root } = setup({ base: 200, cap: 5000, downDelay: 500 });
  let ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  ws.receive([1, [[0, "c", [0], "1"]]]);
  ws.receive([0, 0]); // nothing to apply: not counted
  ws.receive([1, [[0, "c", [0], "2"]]]);
  const b = root.querySelector("#b");
  page.push("inflight", null, b, "live-click-loading");
  ws.drop();
  assert.ok(!root.classList.contains("live-connected"));
  assert.ok(root.classList.contains("live-loading"));
  assert.ok(b.classList.contains("live-click-loading"), "an event in flight still awaits its reply");
  t.mock.timers.tick(499);
  assert.ok(!root.classList.contains("live-disconnected"), "a blip does not flash");
  t.mock.timers.tick(1);
  assert.ok(root.classList.contains("live-disconnected"));
  assert.equal(FakeWebSocket.all.length, 2, "reconnected within the first backoff (< 200 ms)");
  ws = FakeWebSocket.last();
  ws.open();
  assert.equal(ws.sent[0][1].n, 2);
  ws.receive([0, 0]);
  assert.ok(root.classList.contains("live-connected"));
  assert.ok(!root.classList.contains("live-disconnected"));
  assert.ok(!root.classList.contains("live-loading"));
  assert.deepEqual(ws.sent.slice(1), [[1, 1, "inflight"]], "re-sent with its ref");
  ws.receive([0, 1]);
  assert.ok(!b.classList.contains("live-click-loading"));
  page.stop();
});

test("reconnect: a quick rejoin never shows disconnected", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const { page, root } = setup({ base: 200, cap: 5000, downDelay: 500 });
  FakeWebSocket.last().open();
  FakeWebSocket.last().receive([0, 0]);
  FakeWebSocket.last().drop();
  t.mock.timers.tick(200);
  FakeWebSocket.last().open();
  FakeWebSocket.last().receive([0, 0]);
  t.mock.timers.tick(1000);
  assert.ok(!root.classList.contains("live-disconnected"));
  assert.ok(root.classList.contains("live-connected"));
  page.stop();
});

test("reconnect: attempts back off up to the cap and reset after a join", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  t.mock.method(Math, "random", () => 0.999);
  const { page } = setup({ base: 200, cap: 5000 });
  const gaps = [];
  for (let i = 0; i < 8; i++) {
    const before = FakeWebSocket.all.length;
    FakeWebSocket.last().drop();
    let waited = 0;
    while (FakeWebSocket.all.length === before) {
      t.mock.timers.tick(1);
      waited++;
    }
    gaps.push(waited);
  }
  assert.deepEqual(gaps, [199, 399, 799, 1598, 3196, 4995, 4995, 4995]);
  FakeWebSocket.last().open();
  FakeWebSocket.last().receive([0, 0]);
  FakeWebSocket.last().drop();
  t.mock.timers.tick(199);
  assert.equal(FakeWebSocket.all.length, 10, "a successful join resets the backoff");
  page.stop();
});

test("heartbeat: every 30 s; two without any frame mean a dead connection", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const { page } = setup();
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  t.mock.timers.tick(30000);
  assert.deepEqual(ws.sent.at(-1), [2]);
  ws.receive([2]);
  t.mock.timers.tick(60000);
  assert.equal(ws.closed, false, "an answered heartbeat and one silent interval keep it open");
  assert.equal(ws.sent.filter((f) => f[0] === 2).length, 3);
  t.mock.timers.tick(30000);
  assert.equal(ws.closed, true, "the third tick after the last frame finds two unanswered");
  t.mock.timers.tick(200);
  assert.equal(FakeWebSocket.all.length, 2, "and the client reconnects");
  page.stop();
});

test("heartbeat: a connect that never opens is given up", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const { page } = setup();
  t.mock.timers.tick(90000);
  assert.equal(FakeWebSocket.all[0].closed, true);
  t.mock.timers.tick(200);
  assert.equal(FakeWebSocket.all.length, 2);
  page.stop();
});

test("reload: once, then never again within 10 s", (t) => {
  const errors = t.mock.method(console, "error", () => {});
  const storage = fakeStorage();
  const first = setup({ storage });
  FakeWebSocket.last().open();
  FakeWebSocket.last().receive([4, "expired"]);
  assert.equal(first.loc.reloads, 1);
  const count = FakeWebSocket.all.length;

  const second = setup({ storage });
  FakeWebSocket.last().open();
  FakeWebSocket.last().receive([4, "expired"]);
  assert.equal(second.loc.reloads, 0, "a reload loop is refused");
  assert.ok(second.root.classList.contains("live-error"));
  assert.match(errors.mock.calls[0].arguments[0], /reload/);
  assert.equal(FakeWebSocket.all.length, 1, "and it does not reconnect either");
  assert.ok(count >= 1);
});

test("stop: closes and does not reconnect", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const { page } = setup();
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  page.stop();
  assert.equal(ws.closed, true);
  t.mock.timers.tick(60000);
  assert.equal(FakeWebSocket.all.length, 1);
});

test("reconnect: events in flight are re-sent with their refs, then the queued ones, each settled once", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const { page, root } = setup();
  let ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  const b = root.querySelector("#b");
  page.push("one", null, b, "live-click-loading");
  page.push("two", { n: "2" });
  ws.receive([0, 1]); // "one" answered; "two" is in flight
  ws.drop();
  page.push("three"); // offline: queued
  t.mock.timers.tick(10);
  ws = FakeWebSocket.last();
  ws.open();
  assert.equal(ws.sent.length, 1, "nothing but the join before its reply");
  ws.receive([0, 0]);
  assert.deepEqual(ws.sent.slice(1), [[1, 2, "two", { n: "2" }], [1, 3, "three"]]);
  assert.equal(page.push("four"), 4, "refs keep increasing across connections");
  ws.receive([0, 2]);
  ws.receive([0, 3]);
  ws.receive([0, 4]);
  ws.drop();
  t.mock.timers.tick(10);
  FakeWebSocket.last().open();
  FakeWebSocket.last().receive([0, 0]);
  assert.equal(FakeWebSocket.last().sent.length, 1, "answered events are not re-sent");
  page.stop();
});

test("join: carries every recoverable form, with live-auto-recover honoured", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const { page, root } = setup();
  root.innerHTML =
    '<form id="search" live-change="validate"><input name="q" value="hi"></form>' +
    '<form id="other" live-change="validate" live-auto-recover="restore"><input name="x" value="1"></form>' +
    '<form id="off" live-change="validate" live-auto-recover="ignore"><input name="y"></form>' +
    '<form live-change="validate"><input name="no-id"></form>';
  let ws = FakeWebSocket.last();
  ws.open();
  const forms = [["search", "validate", { q: "hi" }], ["other", "restore", { x: "1" }]];
  assert.deepEqual(ws.sent[0][1].f, forms);
  ws.receive([0, 0]);
  root.querySelector("[name=q]").value = "typed";
  ws.drop();
  t.mock.timers.tick(10);
  ws = FakeWebSocket.last();
  ws.open();
  assert.deepEqual(ws.sent[0][1].f[0], ["search", "validate", { q: "typed" }], "the values as they are now");
  page.stop();
});

test("join: a full render keeps what the user typed in recoverable forms, focused or not", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const { page, root } = setup();
  const form = (q, n) =>
    `<form id="f" live-change="v"><input name="q" value="${q}"><input name="n" value="${n}">` +
    `<input type="checkbox" name="c" value="on"><input type="hidden" name="h" value="${n}"></form>` +
    `<form live-change="v"><input name="lost" value="${q}"></form><p id="s">${q}</p>`;
  root.innerHTML = form("", "1");
  const ws = FakeWebSocket.last();
  root.querySelector("[name=q]").value = "hello";
  root.querySelector("[name=c]").checked = true;
  root.querySelector("[name=lost]").value = "gone";
  ws.open();
  assert.deepEqual(ws.sent[0][1].f, [["f", "v", { q: "hello", n: "1", c: "on", h: "1" }]]);
  // The typing goes on while the join is in flight.
  root.querySelector("[name=q]").value = "hello world";
  // A server that lost the view renders it from the forms: the recovered
  // query, a fresh hidden field; the form without an id is not recovered.
  ws.receive([0, 0, [[9, "", [], form("hello", "2")]]]);
  assert.equal(root.querySelector("[name=q]").value, "hello world", "newest keystrokes kept");
  assert.equal(root.querySelector("[name=n]").value, "1");
  assert.equal(root.querySelector("[name=c]").checked, true);
  assert.equal(root.querySelector("[name=h]").value, "2", "hidden fields are the server's");
  assert.equal(root.querySelector("[name=lost]").value, "hello", "a form without an id is rendered afresh");
  assert.equal(root.querySelector("#s").textContent, "hello");
  page.stop();
});

test("join: a view that crashed before answering is rejoined once without forms", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const { page, root } = setup();
  root.innerHTML = '<form id="f" live-change="v"><input name="q" value="boom"></form>';
  FakeWebSocket.last().open();
  assert.equal(FakeWebSocket.last().sent[0][1].f.length, 1);
  FakeWebSocket.last().readyState = 3;
  FakeWebSocket.last().onclose({ code: 1011 });
  t.mock.timers.tick(10);
  FakeWebSocket.last().open();
  assert.deepEqual(FakeWebSocket.last().sent[0][1].f, [], "the forms that crashed it are left out");
  FakeWebSocket.last().receive([0, 0, [[9, "", [], '<form id="f" live-change="v"><input name="q"></form>']]]);
  FakeWebSocket.last().drop();
  t.mock.timers.tick(10);
  FakeWebSocket.last().open();
  assert.equal(FakeWebSocket.last().sent[0][1].f.length, 1, "and sent again on the next join");
  page.stop();
});

test("state events: each new state is dispatched on the root and bubbles to window", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const seen = [];
  const names = ["loading", "connected", "disconnected", "error"];
  const listeners = names.map((n) => {
    const l = (e) => seen.push(`${n}${e.target.hasAttribute("live-root") ? "" : "?"}`);
    window.addEventListener(`templive:${n}`, l);
    return [n, l];
  });
  try {
    const { page } = setup({ base: 200, cap: 5000, downDelay: 500 });
    assert.deepEqual(seen, ["loading"]);
    FakeWebSocket.last().open();
    FakeWebSocket.last().receive([0, 0]);
    FakeWebSocket.last().drop();
    t.mock.timers.tick(200); // a retry: still loading, no second event
    FakeWebSocket.last().drop();
    t.mock.timers.tick(600);
    FakeWebSocket.last().open();
    FakeWebSocket.last().receive([0, 0]);
    assert.deepEqual(seen, ["loading", "connected", "loading", "disconnected", "connected"]);
    page.stop();
  } finally {
    listeners.forEach(([n, l]) => window.removeEventListener(`templive:${n}`, l));
  }
});

test("submit: a reply that resets the focused field shows the reset; typing is never overwritten", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const { page, root } = setup();
  root.innerHTML = '<form id="f" live-change="v" live-submit="save"><input id="q" name="q" value="hi"></form>';
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  const q = root.querySelector("#q");
  q.focus();
  q.value = "hi there";
  page.push("v", { q: "hi there" }, root.querySelector("#f"), "live-change-loading");
  ws.receive([0, 1, [[1, "q", [], "value", "hi th"]]]);
  assert.equal(q.value, "hi there", "a change reply never overwrites the focused field");
  page.push("save", { q: "hi there" }, root.querySelector("#f"), "live-submit-loading");
  ws.receive([0, 2, [[1, "q", [], "value", ""]]]);
  assert.equal(q.value, "", "the submit's reply resets it");
  assert.equal(root.ownerDocument.activeElement, q, "and it keeps the focus");
  q.value = "again";
  page.push("save", { q: "again" }, root.querySelector("#f"), "live-submit-loading");
  ws.receive([0, 3]);
  assert.equal(q.value, "again", "a submit that does not reset the field leaves it");
  page.stop();
});

test("stop: events still waiting lose their loading class", () => {
  const { page, root } = setup();
  const b = root.querySelector("#b");
  page.push("x", null, b, "live-click-loading");
  page.stop();
  assert.ok(!b.classList.contains("live-click-loading"));
});
