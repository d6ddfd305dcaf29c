import { document } from "../testutil/dom.js";
import { FakeWebSocket, fakeLocation, fakeStorage } from "../testutil/fakes.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { streamSocket } from "../src/sse.js";
import { connect } from "../src/socket.js";

// A fake EventSource and fetch: the test plays the server.
function fakeWindow() {
  const win = { sources: [], posts: [] };
  win.EventSource = class {
    constructor(url) {
      this.url = url;
      this.listeners = {};
      this.closed = false;
      win.sources.push(this);
    }
    addEventListener(name, fn) {
      this.listeners[name] = fn;
    }
    emit(name, data) {
      if (name === "message") this.onmessage({ data });
      else this.listeners[name]({ data });
    }
    close() {
      this.closed = true;
    }
  };
  win.fetch = (url, init) =>
    new Promise((resolve, reject) => win.posts.push({ url, init, resolve: (status) => resolve({ ok: status < 300, status }), reject }));
  return win;
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test("streamSocket: none without EventSource", () => {
  assert.equal(streamSocket({}), null);
});

test("stream: opens on the page's URL, frames down, POSTs up one at a time, in order", async () => {
  const win = fakeWindow();
  const S = streamSocket(win);
  const s = new S("wss://example.test/app/page?x=1");
  const es = win.sources[0];
  assert.equal(es.url, "https://example.test/app/page?x=1");
  let opened = 0;
  const got = [];
  let closed = null;
  s.onopen = () => opened++;
  s.onmessage = (e) => got.push(e.data);
  s.onclose = (e) => (closed = e);
  assert.equal(s.readyState, 0);
  es.emit("stream", "the-id");
  assert.equal(s.readyState, 1);
  assert.equal(opened, 1);

  s.send("[0,{}]");
  s.send("[1,1,\"inc\"]");
  assert.equal(win.posts.length, 1, "the second waits for the first");
  assert.equal(win.posts[0].url, "https://example.test/app/page?x=1");
  assert.equal(win.posts[0].init.method, "POST");
  assert.equal(win.posts[0].init.headers["Live-Stream"], "the-id");
  assert.equal(win.posts[0].init.body, "[0,{}]");
  win.posts[0].resolve(204);
  await tick();
  assert.equal(win.posts.length, 2);
  assert.equal(win.posts[1].init.body, "[1,1,\"inc\"]");
  win.posts[1].resolve(204);
  await tick();

  es.emit("message", "[0,0]");
  assert.deepEqual(got, ["[0,0]"]);
  es.emit("close", '[1011,"view crashed"]');
  assert.deepEqual(closed, { code: 1011, reason: "view crashed" });
  assert.equal(s.readyState, 3);
  assert.ok(es.closed);
  assert.throws(() => s.send("[2]"), /not open/);
});

test("stream: a binary frame (an upload's chunk) goes up as an octet-stream POST, in order with the text frames", async () => {
  const win = fakeWindow();
  const s = new (streamSocket(win))("ws://example.test/p");
  win.sources[0].emit("stream", "id");
  const chunk = new Uint8Array([1, 0, 104, 105]);
  s.send("[4,1,\"f\",[]]");
  s.send(chunk);
  s.send("[2]");
  assert.equal(win.posts[0].init.headers["Content-Type"], "text/plain;charset=UTF-8");
  win.posts[0].resolve(204);
  await tick();
  assert.equal(win.posts[1].init.body, chunk);
  assert.equal(win.posts[1].init.headers["Content-Type"], "application/octet-stream");
  assert.equal(win.posts[1].init.headers["Live-Stream"], "id");
  win.posts[1].resolve(204);
  await tick();
  assert.equal(win.posts[2].init.body, "[2]");
  assert.equal(win.posts[2].init.headers["Content-Type"], "text/plain;charset=UTF-8");
});

test("stream: a POST that fails or is refused, or an error of the stream, closes it with 1006", async () => {
  for (const fail of ["reject", "404", "error"]) {
    const win = fakeWindow();
    const S = streamSocket(win);
    const s = new S("ws://example.test/p");
    let closed = null;
    s.onclose = (e) => (closed = e);
    win.sources[0].emit("stream", "id");
    if (fail === "error") {
      win.sources[0].onerror({});
    } else {
      s.send("[2]");
      if (fail === "reject") win.posts[0].reject(new Error("network"));
      else win.posts[0].resolve(404);
      await tick();
    }
    assert.equal(closed && closed.code, 1006, fail);
    assert.ok(win.sources[0].closed, `${fail}: the EventSource must not reconnect on its own`);
  }
});

test("stream: close() is quiet, as socket.js expects", () => {
  const win = fakeWindow();
  const s = new (streamSocket(win))("ws://example.test/p");
  let heard = false;
  s.onclose = () => (heard = true);
  s.close();
  assert.equal(heard, false);
  assert.ok(win.sources[0].closed);
});

// FakeStream records the streams socket.js opens, with FakeWebSocket's API.
class FakeStream extends FakeWebSocket {
  static opened = [];
  constructor(url) {
    super(url);
    FakeStream.opened.push(this);
  }
}

test("socket: after two WebSockets that never opened it falls back to the stream, and back after two streams that never opened", async () => {
  FakeWebSocket.all = [];
  FakeStream.opened = [];
  document.body.innerHTML = '<div live-root live-token="tok"><p id="c">0</p></div>';
  const root = document.body.firstChild;
  const page = connect(root, {
    WebSocket: FakeWebSocket,
    Stream: FakeStream,
    location: fakeLocation(),
    storage: fakeStorage(),
    base: 1,
    cap: 2,
    downDelay: 30,
  });
  const next = async (n) => {
    while (FakeWebSocket.all.length < n) await new Promise((r) => setTimeout(r, 2));
    return FakeWebSocket.last();
  };
  (await next(1)).drop(); // a WebSocket that never opened
  (await next(2)).drop();
  const s = await next(3);
  assert.equal(FakeStream.opened.length, 1, "the third attempt is a stream");
  assert.equal(s, FakeStream.opened[0]);
  s.open();
  assert.equal(s.sent[0][0], 0, "the join goes over the stream");
  s.receive([0, 0]);
  assert.ok(root.classList.contains("live-connected"));
  s.drop(); // it opened: the next attempt is a stream again
  const s2 = await next(4);
  assert.equal(FakeStream.opened.length, 2);
  s2.drop();
  (await next(5)).drop();
  await next(6);
  assert.equal(FakeStream.opened.length, 3, "two streams that never opened...");
  FakeWebSocket.last().drop();
  const ws = await next(7);
  assert.equal(FakeStream.opened.length, 3, "...and it tries the WebSocket again");
  ws.open();
  assert.equal(ws.sent[0][0], 0);
  page.stop();
});
