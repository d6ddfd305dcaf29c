import { window, document } from "../testutil/dom.js";
import { FakeWebSocket } from "../testutil/fakes.js";
import { test } from "node:test";
import assert from "node:assert/strict";

test("index connects every live root and exposes window.templive", async () => {
  document.body.innerHTML =
    '<div live-root live-token="a"><button live-click="inc" live-value-by="2">+</button></div>' +
    '<p>static</p><div live-root live-token="b"></div>';
  globalThis.WebSocket = FakeWebSocket;
  await import("../src/index.js");
  const t = window.templive;
  assert.match(t.version, /^\d+\.\d+\.\d+$/);
  assert.equal(t.pages.length, 2);
  assert.equal(FakeWebSocket.all.length, 2);
  const [ws] = FakeWebSocket.all;
  assert.equal(ws.url, "wss://example.test/app/page?x=1");
  ws.open();
  assert.equal(ws.sent[0][1].t, "a");
  ws.receive([0, 0]);
  const button = document.querySelector("button");
  button.dispatchEvent(new window.MouseEvent("click", { bubbles: true }));
  assert.deepEqual(ws.sent.at(-1), [1, 1, "inc", { by: "2" }]);
  assert.ok(button.classList.contains("live-click-loading"));
  ws.receive([0, 1, [[1, "", [0], "live-value-by", "3"]]]);
  assert.ok(!button.classList.contains("live-click-loading"));
  assert.equal(FakeWebSocket.all[1].sent.length, 0, "the other root's socket is its own");
  t.pages.forEach((p) => p.stop());
});
