import { document, window } from "../testutil/dom.js";
import { FakeWebSocket, fakeLocation, fakeStorage } from "../testutil/fakes.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "../src/socket.js";
import { hooks } from "../src/hooks.js";

// Probe records its lifecycle calls, with what its element showed then.
const calls = [];
const Probe = {
  mounted() {
    calls.push(["mounted", this.el.id, this.el.textContent]);
    this.off = this.handleEvent("ping", (p) => calls.push(["ping", this.el.id, p]));
  },
  beforeUpdate() {
    calls.push(["beforeUpdate", this.el.id, this.el.textContent]);
  },
  updated() {
    calls.push(["updated", this.el.id, this.el.textContent]);
  },
  destroyed() {
    calls.push(["destroyed", this.el.id]);
  },
  disconnected() {
    calls.push(["disconnected", this.el.id]);
  },
  reconnected() {
    calls.push(["reconnected", this.el.id]);
  },
};

// setup connects a live root holding html, with hooks, and answers its
// join. It returns the root, the page, the socket and the console's
// warnings and errors.
function setup(t, html, dev = true) {
  calls.length = 0;
  FakeWebSocket.all = [];
  window.templiveHooks = { Probe, Other: { mounted() { calls.push(["other mounted", this.el.id]); } } };
  document.body.innerHTML = `<div live-root live-token="tok">${html}</div>`;
  const root = document.body.firstChild;
  const warn = t.mock.method(console, "warn", () => {});
  const error = t.mock.method(console, "error", () => {});
  const life = hooks(root, (...a) => page.push(...a), dev);
  const page = connect(root, { WebSocket: FakeWebSocket, location: fakeLocation(), storage: fakeStorage(), on: life, base: 1, cap: 1 });
  const ws = FakeWebSocket.last();
  t.after(() => page.stop());
  return { root, page, ws, warn, error };
}

function join(ws, reply = [0, 0]) {
  ws.open();
  ws.receive(reply);
}

test("hooks mount when the join is answered, with this.el", (t) => {
  const { ws } = setup(t, '<div id="a" live-hook="Probe">A</div><p><span id="b" live-hook="Probe">B</span></p>');
  assert.deepEqual(calls, [], "nothing before the join");
  join(ws);
  assert.deepEqual(calls, [["mounted", "a", "A"], ["mounted", "b", "B"]]);
});

test("beforeUpdate and updated wrap patches of the element or inside it, not elsewhere", (t) => {
  const { ws, root } = setup(t, '<div id="a" live-hook="Probe"><i>A</i></div><p id="p">x</p>');
  join(ws);
  calls.length = 0;
  ws.receive([1, [[0, "a", [0, 0], "A2"]]]);
  assert.deepEqual(calls, [["beforeUpdate", "a", "A"], ["updated", "a", "A2"]]);
  calls.length = 0;
  ws.receive([1, [[1, "a", [], "class", "on"]]]);
  assert.deepEqual(calls, [["beforeUpdate", "a", "A2"], ["updated", "a", "A2"]], "its own attributes");
  calls.length = 0;
  ws.receive([1, [[0, "p", [0], "y"], [3, "", [], 2, "<b>new</b>"]]]);
  assert.deepEqual(calls, [], "siblings and the root's children list are not its update");
  ws.receive([1, [[9, "", [], '<div id="a" live-hook="Probe" class="on"><i>A3</i></div><p id="p">y</p>']]]);
  assert.deepEqual(calls, [["beforeUpdate", "a", "A2"], ["updated", "a", "A3"]], "a morph of an ancestor");
  assert.equal(root.querySelector("#a i").textContent, "A3");
});

test("destroyed when the element leaves; mounted when one arrives or changes hook", (t) => {
  const { ws, root } = setup(t, '<div id="a" live-hook="Probe">A</div>');
  join(ws);
  calls.length = 0;
  ws.receive([1, [[3, "", [], 1, '<div id="b" live-hook="Probe">B</div>']]]);
  assert.deepEqual(calls, [["mounted", "b", "B"]]);
  calls.length = 0;
  ws.receive([1, [[7, "a", []]]]);
  assert.deepEqual(calls, [["destroyed", "a"]]);
  calls.length = 0;
  ws.receive([1, [[1, "b", [], "live-hook", "Other"]]]);
  assert.deepEqual(calls, [["beforeUpdate", "b", "B"], ["destroyed", "b"], ["other mounted", "b"]]);
  assert.equal(root.children.length, 1);
});

test("disconnected and reconnected follow the connection", async (t) => {
  const { ws } = setup(t, '<div id="a" live-hook="Probe">A</div>');
  join(ws);
  calls.length = 0;
  ws.drop();
  assert.deepEqual(calls, [["disconnected", "a"]]);
  await new Promise((r) => setTimeout(r, 10)); // the reconnect's backoff
  const ws2 = FakeWebSocket.last();
  assert.notEqual(ws2, ws);
  join(ws2);
  assert.deepEqual(calls, [["disconnected", "a"], ["reconnected", "a"]]);
});

test("pushed events reach the hooks that handle them and window", (t) => {
  const { ws, root } = setup(t, '<div id="a" live-hook="Probe">A</div><div id="b" live-hook="Probe">B</div>');
  join(ws);
  const seen = [];
  const listen = (e) => seen.push([e.type, e.detail]);
  window.addEventListener("templive:ping", listen);
  window.addEventListener("templive:nobody", listen);
  t.after(() => {
    window.removeEventListener("templive:ping", listen);
    window.removeEventListener("templive:nobody", listen);
  });
  calls.length = 0;
  ws.receive([5, "ping", { n: 1 }, "nobody", null]);
  assert.deepEqual(calls, [["ping", "a", { n: 1 }], ["ping", "b", { n: 1 }]]);
  assert.deepEqual(seen, [["templive:ping", { n: 1 }], ["templive:nobody", {}]]);
  // A handler that stops hears no more; a destroyed hook neither.
  calls.length = 0;
  ws.receive([1, [[7, "b", []]]]);
  ws.receive([5, "ping", 2]);
  assert.deepEqual(calls, [["destroyed", "b"], ["ping", "a", 2]]);
  assert.equal(root.children.length, 1);
});

test("a push no hook handles is ignored, with a warning in development only", (t) => {
  const { ws, warn } = setup(t, '<div id="a" live-hook="Probe">A</div>');
  join(ws);
  ws.receive([5, "unknown", {}]);
  assert.equal(warn.mock.callCount(), 1);
  assert.match(warn.mock.calls[0].arguments[0], /pushed event "unknown" has no hook/);
  t.mock.reset();
  const quiet = setup(t, '<div id="a" live-hook="Probe">A</div>', false);
  join(quiet.ws);
  quiet.ws.receive([5, "unknown", {}]);
  assert.equal(quiet.warn.mock.callCount(), 0);
});

test("pushEvent resolves with the server's Reply after the patch, rejects on its error", async (t) => {
  let hook;
  const { ws, root } = setup(t, '<div id="a" live-hook="Asker">A</div>');
  window.templiveHooks.Asker = { mounted() { hook = this; } };
  join(ws);
  const asked = hook.pushEvent("ask", { q: "x", n: 2, on: true, tags: ["a", 1] });
  assert.deepEqual(ws.sent.at(-1), [1, 1, "ask", { q: "x", n: 2, on: true, tags: ["a", 1] }]);
  ws.receive([0, 1, [[0, "a", [0], "answered"]], { answer: 42 }]);
  const text = await asked.then((reply) => [reply, root.querySelector("#a").textContent]);
  assert.deepEqual(text, [{ answer: 42 }, "answered"]);

  const bare = hook.pushEvent("noreply");
  ws.receive([0, 2]);
  assert.equal(await bare, undefined);

  const failed = hook.pushEvent("bad");
  ws.receive([3, 3, 'unknown event "bad"']);
  await assert.rejects(failed, /unknown event "bad"/);

  const before = ws.sent.length;
  await assert.rejects(hook.pushEvent("nested", { a: { b: 1 } }), /value "a" must be a string/);
  assert.equal(ws.sent.length, before, "a payload the server would refuse is not sent");
});

test("bad hooks: an unknown name and a throwing callback are reported, the page carries on", (t) => {
  const { ws, root, warn, error } = setup(t, '<div id="a" live-hook="Nope">A</div><div id="b" live-hook="Probe">B</div>');
  Probe.updated = () => {
    throw new Error("boom");
  };
  t.after(() => {
    delete Probe.updated;
  });
  window.templiveHooks = { Probe };
  join(ws);
  assert.equal(warn.mock.callCount(), 1);
  assert.match(warn.mock.calls[0].arguments[0], /no hook "Nope" in window.templiveHooks/);
  ws.receive([1, [[0, "b", [0], "B2"], [0, "a", [0], "A2"]]]);
  assert.equal(root.textContent, "A2B2", "the whole frame applied");
  assert.match(String(error.mock.calls[0].arguments[0]), /hook Probe: updated failed/);
  assert.equal(warn.mock.callCount(), 1, "the unknown hook is reported once");
  ws.receive([1, [[0, "a", [0], "A3"]]]);
  assert.equal(root.textContent, "A3B2");
});
