import { document, window } from "../testutil/dom.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeWebSocket, fakeLocation } from "../testutil/fakes.js";
import { bindUploads, chunkFrame, uvarint, WINDOW } from "../src/upload.js";
import { connect } from "../src/socket.js";
import { ATTR_DROP_TARGET, KIND_UPLOAD } from "../src/constants.js";

// fakePage stands for socket.js's page: it records what the uploads send.
function fakePage() {
  const p = {
    calls: [],
    frames: [],
    binary: [],
    up: true,
    call(make, done) {
      p.calls.push({ frame: make(p.calls.length + 1), done });
    },
    sendFrame: (f) => p.frames.push(f),
    sendBinary: (b) => p.binary.push(b),
    joined: () => p.up,
  };
  return p;
}

// idle lets the file reads (promises) and the sends they start run.
async function idle() {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
}

// chunkOf decodes a binary frame: [ref, offset, byte length].
function chunkOf(frame) {
  const read = (i) => {
    let n = 0;
    let mul = 1;
    for (;;) {
      const b = frame[i++];
      n += (b & 127) * mul;
      mul *= 128;
      if (b < 128) return [n, i];
    }
  };
  const [ref, i] = read(0);
  const [off, j] = read(i);
  return [ref, off, frame.length - j];
}

function setup(t, extra = "") {
  document.body.innerHTML = `<div live-root><div id="drop" ${ATTR_DROP_TARGET}="f">drop</div>${extra}</div>`;
  const root = document.querySelector("[live-root]");
  const page = fakePage();
  const up = bindUploads(root, page);
  t.after(() => (document.body.innerHTML = ""));
  return { root, page, up };
}

function drop(files) {
  const ev = new window.Event("drop", { bubbles: true, cancelable: true });
  Object.defineProperty(ev, "dataTransfer", { value: { files, types: ["Files"] } });
  document.querySelector("#drop").dispatchEvent(ev);
  return ev;
}

test("uvarint encodes as Go's binary.AppendUvarint", () => {
  assert.deepEqual(uvarint([], 0), [0]);
  assert.deepEqual(uvarint([], 127), [127]);
  assert.deepEqual(uvarint([], 128), [0x80, 0x01]);
  assert.deepEqual(uvarint([], 300), [0xac, 0x02]);
  assert.deepEqual(uvarint([], 2 ** 53 - 1), [255, 255, 255, 255, 255, 255, 255, 15]);
  assert.deepEqual(Array.from(chunkFrame(3, 300, new Uint8Array([9, 8]))), [3, 0xac, 0x02, 9, 8]);
});

test("a drop announces the files, then sends at most WINDOW chunks ahead of the acks", async (t) => {
  const { page, up } = setup(t);
  const size = 4 * 65536 + 1000;
  const ev = drop([new File([new Uint8Array(size)], "a.bin", { type: "application/octet-stream" })]);
  assert.equal(ev.defaultPrevented, true, "the browser must not open the dropped file");
  assert.deepEqual(page.calls[0].frame, [KIND_UPLOAD, 1, "f", [["a.bin", size, "application/octet-stream"]]]);
  assert.equal(page.binary.length, 0, "no byte before the view's answer");
  page.calls[0].done(undefined, [65536, [[7, true]]]);
  await idle();
  assert.equal(page.binary.length, WINDOW);
  assert.deepEqual(page.binary.map(chunkOf), [[7, 0, 65536], [7, 65536, 65536], [7, 131072, 65536], [7, 196608, 65536]]);
  up.ack([7, 7, 65536]);
  await idle();
  assert.deepEqual(page.binary.map(chunkOf).slice(WINDOW), [[7, 262144, 1000]]);
  up.ack([7, 7, size]);
  await idle();
  assert.equal(page.binary.length, WINDOW + 1, "nothing after the last byte");
});

test("a refused file sends nothing; an ack with an error stops the entry", async (t) => {
  const { page, up } = setup(t);
  const errors = [];
  window.addEventListener("templive:upload-error", (e) => errors.push(e.detail));
  drop([new File([new Uint8Array(10)], "x.exe"), new File([new Uint8Array(200000)], "b.bin")]);
  page.calls[0].done(undefined, [65536, [[1, false], [2, true]]]);
  await idle();
  assert.deepEqual(page.binary.map(chunkOf).map((c) => c[0]), [2, 2, 2, 2]);
  up.ack([7, 2, 65536, "canceled"]);
  up.ack([7, 2, 131072]); // late acks of chunks on the way change nothing
  await idle();
  assert.equal(page.binary.length, 4);
  assert.deepEqual(errors, [{ ref: 2, error: "canceled" }]);
});

test("after a rejoin, one chunk from the last ack, then on from the server's count", async (t) => {
  const { page, up } = setup(t);
  drop([new File([new Uint8Array(10 * 65536)], "c.bin")]);
  page.calls[0].done(undefined, [65536, [[4, true]]]);
  await idle();
  up.ack([7, 4, 65536]);
  await idle();
  page.up = false; // the connection dropped with chunks on the way
  page.binary.length = 0;
  page.up = true;
  up.up();
  await idle();
  assert.deepEqual(page.binary.map(chunkOf), [[4, 65536, 65536]], "one chunk, from the last ack");
  up.ack([7, 4, 3 * 65536]); // the server had more than was acked
  await idle();
  assert.deepEqual(page.binary.map(chunkOf).slice(1).map((c) => c[1]), [3, 4, 5, 6].map((n) => n * 65536));
});

test("a preview img shows the file from an object URL, with no round trip, released once the entry is gone", async (t) => {
  const { page, up } = setup(t, `<img id="pv" live-upload-preview="9">`);
  drop([new File([new Uint8Array(3)], "p.png", { type: "image/png" })]);
  page.calls[0].done(undefined, [65536, [[9, true]]]);
  const img = document.querySelector("#pv");
  const url = img.getAttribute("src");
  assert.match(url, /^blob:/);
  img.removeAttribute("src"); // a patch that morphed the img
  up.after();
  assert.equal(img.getAttribute("src"), url, "the same object URL, put back");
  await idle();
  up.ack([7, 9, 3]);
  img.remove(); // the view consumed the entry
  up.after();
  const { resolveObjectURL } = await import("node:buffer");
  assert.equal(resolveObjectURL(url), undefined, "the object URL is released");
});

// FakeXHR records the external PUT; the test plays the network.
class FakeXHR {
  static last = null;
  constructor() {
    this.upload = {};
    this.headers = {};
    FakeXHR.last = this;
  }
  open(method, url) {
    Object.assign(this, { method, url });
  }
  setRequestHeader(k, v) {
    this.headers[k] = v;
  }
  send(body) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
  }
}

test("an external upload PUTs the file to its URL and reports the outcome, after a rejoin if need be", async (t) => {
  globalThis.XMLHttpRequest = FakeXHR;
  t.after(() => delete globalThis.XMLHttpRequest);
  const { page, up } = setup(t);
  const file = new File([new Uint8Array(5000)], "e.png", { type: "image/png" });
  drop([file]);
  page.calls[0].done(undefined, [65536, [[3, true, "https://store.test/put/3", { "Content-Type": "image/png" }]]]);
  const xhr = FakeXHR.last;
  assert.equal(xhr.method, "PUT");
  assert.equal(xhr.url, "https://store.test/put/3");
  assert.deepEqual(xhr.headers, { "Content-Type": "image/png" });
  assert.equal(xhr.body, file);
  xhr.upload.onprogress({ loaded: 2500 });
  assert.deepEqual(page.frames, [[5, 3, 2500]]);
  page.up = false; // the PUT ends while the page is offline
  xhr.status = 200;
  xhr.onload();
  assert.equal(page.frames.length, 1);
  page.up = true;
  up.up();
  assert.deepEqual(page.frames.at(-1), [5, 3, 5000], "the outcome is reported once the page is back");
  await idle();
  assert.equal(page.binary.length, 0, "no chunk for an external upload");
});

// BinarySocket is a FakeWebSocket that also takes binary frames.
class BinarySocket extends FakeWebSocket {
  send(data) {
    if (typeof data === "string") return super.send(data);
    (this.binary = this.binary || []).push(data);
  }
}

test("through the socket: an announcement made offline goes after the join, chunks go binary, acks reach the uploads", async (t) => {
  document.body.innerHTML = `<div live-root live-token="tok"><div id="drop" ${ATTR_DROP_TARGET}="f"></div></div>`;
  const root = document.querySelector("[live-root]");
  let uploads;
  const page = connect(root, { WebSocket: BinarySocket, location: fakeLocation(), on: { ack: (f) => uploads.ack(f), up: () => uploads.up() } });
  uploads = bindUploads(root, page);
  t.after(() => page.stop());
  drop([new File([new Uint8Array(70000)], "s.bin")]);
  const ws = FakeWebSocket.last();
  ws.open();
  assert.equal(ws.sent.length, 1, "only the join before its answer");
  ws.receive([0, 0]);
  assert.deepEqual(ws.sent[1], [KIND_UPLOAD, 1, "f", [["s.bin", 70000, ""]]]);
  ws.receive([0, 1, [], [65536, [[5, true]]]]);
  await idle();
  assert.deepEqual(ws.binary.map(chunkOf), [[5, 0, 65536], [5, 65536, 4464]]);
  ws.receive([7, 5, 70000]);
  await idle();
  assert.equal(ws.binary.length, 2);
});
