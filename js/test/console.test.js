import "../testutil/dom.js";
import { fakeStorage } from "../testutil/fakes.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { defineLogs, logPrinter } from "../src/console.js";

// recorder stands in for the console: it keeps [method, ...args] per call.
function recorder() {
  const calls = [];
  const out = {};
  for (const m of ["debug", "info", "warn", "error", "log"]) out[m] = (...args) => calls.push([m, ...args]);
  return { out, calls };
}

const T = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();
const rec = (seq, level, msg, attrs = {}, src = "console/console.go:31", view = "") => [seq, T, level, msg, attrs, src, view];

test("each record prints with its level's method, colour, time, text, source and attributes", () => {
  const { out, calls } = recorder();
  const print = logPrinter(out, fakeStorage());
  print([6, "v1", [
    rec(1, -4, "debug line"),
    rec(2, 0, "info from the server", { clicks: 3, req: { id: "x" } }),
    rec(3, 4, "warn from the server"),
    rec(4, 8, "error from the server", {}, ""),
    rec(5, 12, "above error"),
    rec(6, 2, "info+2"),
  ]]);
  assert.deepEqual(calls.map((c) => c[0]), ["debug", "info", "warn", "error", "error", "info"]);
  const [, text, style, reset, attrs] = calls[1];
  assert.equal(text, "%c03:04:05.006 INFO%c info from the server  console/console.go:31");
  assert.match(style, /^color:#[0-9a-f]+;font-weight:bold$/);
  assert.equal(reset, "");
  assert.deepEqual(attrs, { clicks: 3, req: { id: "x" } }, "attributes travel as an object to inspect");
  assert.equal(calls[2].length, 4, "no empty attribute object");
  assert.equal(calls[3][1], "%c03:04:05.006 ERROR%c error from the server", "no source, none printed");
  assert.notEqual(calls[1][2], calls[3][2], "levels have their own colours");
});

test("a record of this tab's view is marked, and the filter keeps only those", () => {
  const storage = fakeStorage();
  const { out, calls } = recorder();
  const print = logPrinter(out, storage);
  print([6, "me", [rec(1, 0, "mine", {}, "", "me"), rec(2, 0, "other view", {}, "", "you"), rec(3, 0, "no view", {}, "")]]);
  assert.deepEqual(calls.map((c) => c[1].split("%c")[2]), [" [this tab] mine", " other view", " no view"]);

  const t = {};
  defineLogs(t, storage);
  assert.equal(t.logs, "all", "all by default");
  t.logs = "tab";
  assert.equal(storage.getItem("templive:logs"), "tab", "kept in storage across reloads");
  calls.length = 0;
  print([6, "me", [rec(4, 0, "mine again", {}, "", "me"), rec(5, 8, "someone else's", {}, "", "you"), rec(6, 8, "server")]]);
  assert.deepEqual(calls.map((c) => c[1].split("%c")[2]), [" [this tab] mine again"]);
  t.logs = "whatever";
  assert.equal(t.logs, "all", "anything but tab means all");
});

test("a replay after a reconnect prints only what this page has not printed", () => {
  const { out, calls } = recorder();
  const print = logPrinter(out, fakeStorage());
  print([6, "v", [rec(100, 0, "a"), rec(101, 0, "b")]]);
  print([6, "v", [rec(99, 0, "older"), rec(100, 0, "a"), rec(101, 0, "b"), rec(102, 8, "the panic")]]);
  assert.deepEqual(calls.map((c) => c[1].split("%c")[2].split("  ")[0].trim()), ["a", "b", "the panic"]);
});

test("a panic's stack prints as text under its message", () => {
  const { out, calls } = recorder();
  logPrinter(out, fakeStorage())([6, "v", [rec(1, 8, "live: view panicked", { panic: "boom", stack: "goroutine 7 [running]:\nmain.f()\n\t/x/console.go:40 +0x1d" }, "live/session.go:230", "v")]]);
  const [method, text, , , attrs] = calls[0];
  assert.equal(method, "error");
  assert.ok(text.endsWith("live: view panicked  live/session.go:230\ngoroutine 7 [running]:\nmain.f()\n\t/x/console.go:40 +0x1d"), text);
  assert.equal(attrs.panic, "boom");
});

test("text from the server is never a console format", () => {
  const { out, calls } = recorder();
  logPrinter(out, fakeStorage())([6, "v", [rec(1, 0, "100% %c%s done", { stack: "50%" }, "a%d.go:1")]]);
  assert.equal(calls[0][1], "%c03:04:05.006 INFO%c 100%% %%c%%s done  a%%d.go:1\n50%%");
  assert.equal(calls[0].length, 5, "exactly the two styles and the attributes follow");
});

test("dropped records are announced with their number", () => {
  const { out, calls } = recorder();
  const print = logPrinter(out, fakeStorage());
  print([6, "v", [rec(1, 0, "kept")], 9744]);
  assert.deepEqual(calls.map((c) => c[0]), ["info", "warn"]);
  assert.match(calls[1][1], /9744 server log records dropped/);
  calls.length = 0;
  print([6, "v", [], 3]);
  assert.equal(calls.length, 1);
  print([6, "v", []]);
  assert.equal(calls.length, 1, "no notice without drops");
});

test("storage that throws: the filter is all and setting it does not throw", () => {
  const bad = { getItem() { throw new Error("denied"); }, setItem() { throw new Error("denied"); } };
  const t = {};
  defineLogs(t, bad);
  assert.equal(t.logs, "all");
  t.logs = "tab";
  const { out, calls } = recorder();
  logPrinter(out, bad)([6, "v", [rec(1, 0, "shown")]]);
  assert.equal(calls.length, 1);
  defineLogs({}, null);
  logPrinter(out, null)([6, "v", [rec(2, 0, "shown too")]]);
  assert.equal(calls.length, 2);
});

test("a record without a time prints without one", () => {
  const { out, calls } = recorder();
  logPrinter(out, fakeStorage())([6, "v", [[1, 0, 0, "timeless", {}, "", ""]]]);
  assert.equal(calls[0][1], "%cINFO%c timeless");
});

test("a page's socket prints the log frames it receives", async () => {
  const { FakeWebSocket, fakeLocation } = await import("../testutil/fakes.js");
  const { connect } = await import("../src/socket.js");
  const { document } = await import("../testutil/dom.js");
  document.body.innerHTML = '<div live-root live-token="tok"></div>';
  const { out, calls } = recorder();
  const saved = { ...console };
  Object.assign(console, out);
  try {
    FakeWebSocket.all = [];
    const page = connect(document.body.firstChild, { WebSocket: FakeWebSocket, location: fakeLocation(), storage: fakeStorage() });
    const ws = FakeWebSocket.last();
    ws.open();
    ws.receive([6, "me", [rec(1, 4, "before the join reply", {}, "", "me")]]);
    ws.receive([0, 0]);
    ws.receive([6, "me", [rec(2, 8, "after it")], 2]);
    page.stop();
  } finally {
    Object.assign(console, saved);
  }
  assert.deepEqual(calls.map((c) => c[0]), ["warn", "error", "warn"]);
  assert.match(calls[0][1], /\[this tab\] before the join reply/);
  assert.match(calls[2][1], /2 server log records dropped/);
});

// Not the console's own, but what makes a panic demo work: the event that
// crashed the view is not re-sent to the fresh one (which would crash too).
test("socket: after a crash (1011) the event being handled is dropped, the others re-sent", async () => {
  const { FakeWebSocket, fakeLocation } = await import("../testutil/fakes.js");
  const { connect } = await import("../src/socket.js");
  const { document } = await import("../testutil/dom.js");
  document.body.innerHTML = '<div live-root live-token="tok"></div>';
  const { out, calls } = recorder();
  const saved = { ...console };
  Object.assign(console, out);
  try {
    FakeWebSocket.all = [];
    const page = connect(document.body.firstChild, { WebSocket: FakeWebSocket, location: fakeLocation(), storage: fakeStorage(), base: 1, cap: 1 });
    const ws = FakeWebSocket.last();
    ws.open();
    ws.receive([0, 0]);
    page.push("panic", {});
    page.push("after", {});
    ws.readyState = 3;
    ws.onclose({ code: 1011 });
    await new Promise((r) => setTimeout(r, 20));
    const ws2 = FakeWebSocket.last();
    assert.notEqual(ws2, ws);
    ws2.open();
    ws2.receive([0, 0, [[9, "", [], ""]]]);
    assert.deepEqual(ws2.sent.slice(1), [[1, 2, "after"]], "only the event after the crashing one is re-sent");
    page.stop();
  } finally {
    Object.assign(console, saved);
  }
  assert.ok(calls.some(([m, text]) => m === "error" && /event "panic" dropped: the view crashed/.test(text)));
});
