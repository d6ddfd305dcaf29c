import { window, document } from "../testutil/dom.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { bindEvents } from "../src/events.js";

function setup(html) {
  document.body.innerHTML = `<div live-root>${html}</div>`;
  const root = document.body.firstChild;
  const sent = [];
  const off = bindEvents(root, (name, values, el, cls) => sent.push({ name, values, el, cls }));
  return { root, sent, off };
}

function click(el) {
  el.dispatchEvent(new window.MouseEvent("click", { bubbles: true, cancelable: true }));
}

function fire(el, type) {
  el.dispatchEvent(new window.Event(type, { bubbles: true, cancelable: true }));
}

test("live-click: the closest element with the attribute, its live-value-* values", () => {
  const { root, sent } = setup('<button live-click="inc" live-value-n="3" live-value-user-id="u1" title="t"><b>+</b></button>');
  click(root.querySelector("b"));
  assert.equal(sent.length, 1);
  assert.equal(sent[0].name, "inc");
  assert.deepEqual(sent[0].values, { n: "3", "user-id": "u1" });
  assert.ok(sent[0].el === root.firstChild);
  assert.equal(sent[0].cls, "live-click-loading");
});

test("live-click: no attribute, no event; values empty when none", () => {
  const { root, sent } = setup('<p>plain</p><a live-click="go">go</a>');
  click(root.firstChild);
  assert.equal(sent.length, 0);
  click(root.lastChild);
  assert.deepEqual(sent[0].values, {});
});

test("live-click: an element of a nested root belongs to that root only", () => {
  const { root, sent } = setup('<div live-root><button live-click="inner">i</button></div>');
  click(root.querySelector("button"));
  assert.equal(sent.length, 0);
});

test("live-submit: prevents the navigation and sends the form's values", () => {
  const { root, sent } = setup(
    '<form live-submit="save"><input name="title" value="hi"><input type="checkbox" name="tag" value="a" checked>' +
    '<input type="checkbox" name="tag" value="b" checked><input type="checkbox" name="tag" value="c"></form>',
  );
  const form = root.firstChild;
  const e = new window.Event("submit", { bubbles: true, cancelable: true });
  form.dispatchEvent(e);
  assert.equal(e.defaultPrevented, true);
  assert.equal(sent[0].name, "save");
  assert.deepEqual(sent[0].values, { title: "hi", tag: ["a", "b"] });
  // happy-dom hands out a proxy of a form from closest(), so compare by content.
  assert.equal(sent[0].el.outerHTML, form.outerHTML);
  assert.equal(sent[0].cls, "live-submit-loading");
});

test("live-change: input sends all the form's values and _target", () => {
  const { root, sent } = setup(
    '<form live-change="validate"><input name="q" value="a"><select name="s"><option>x</option><option selected>y</option></select>' +
    '<input name="m" value="1"><input name="m" value="2"></form>',
  );
  const q = root.querySelector("input");
  q.value = "ab";
  fire(q, "input");
  assert.equal(sent.length, 1);
  assert.equal(sent[0].name, "validate");
  assert.deepEqual(sent[0].values, { q: "ab", s: "y", m: ["1", "2"], _target: "q" });
  assert.equal(sent[0].el.getAttribute("live-change"), "validate");
  assert.equal(sent[0].cls, "live-change-loading");
});

test("live-change: the change after an input is not sent twice, a new edit is", () => {
  const { root, sent } = setup('<form live-change="v"><input name="q"><select name="s"><option>x</option><option>y</option></select></form>');
  const [q, s] = root.querySelectorAll("input, select");
  q.value = "a";
  fire(q, "input");
  fire(q, "change");
  assert.equal(sent.length, 1);
  s.value = "y";
  fire(s, "change");
  assert.equal(sent.length, 2, "a change alone is sent");
  assert.equal(sent[1].values._target, "s");
  q.value = "a";
  fire(q, "input");
  assert.equal(sent.length, 3, "an input event always is");
});

test("live-change: fields outside a live-change form send nothing", () => {
  const { root, sent } = setup('<form><input name="q"></form><input name="loose">');
  fire(root.querySelector("input"), "input");
  fire(root.lastChild, "input");
  assert.equal(sent.length, 0);
});

test("bindEvents returns a function that removes the listeners", () => {
  const { root, sent, off } = setup('<button live-click="x">x</button>');
  off();
  click(root.firstChild);
  assert.equal(sent.length, 0);
});

// The bindings of issue 3: keys, focus, window, click-away, JS commands,
// debounce, throttle, disable-with.

function key(el, type, k, mods = {}) {
  el.dispatchEvent(new window.KeyboardEvent(type, { key: k, bubbles: true, cancelable: true, ...mods }));
}

test("every binding's loading class is its attribute and -loading", () => {
  const { root, sent } = setup('<input live-keydown="k" live-keyup="u" live-focus="f" live-blur="b">');
  const i = root.firstChild;
  key(i, "keydown", "a");
  key(i, "keyup", "a");
  i.focus();
  i.blur();
  assert.deepEqual(sent.map((s) => [s.name, s.cls]), [
    ["k", "live-keydown-loading"], ["u", "live-keyup-loading"], ["f", "live-focus-loading"], ["b", "live-blur-loading"],
  ]);
});

test("live-keydown and live-keyup: key, modifiers held, live-value-*; live-key filters", () => {
  const { root, sent } = setup(
    '<div live-keydown="k" live-value-row="3"><input id="i"></div><input id="enter" live-keyup="go" live-key="enter">',
  );
  key(root.querySelector("#i"), "keydown", "a", { shiftKey: true, ctrlKey: true });
  assert.deepEqual(sent[0].values, { row: "3", key: "a", shiftKey: "true", ctrlKey: "true" });
  const enter = root.querySelector("#enter");
  key(enter, "keyup", "a");
  assert.equal(sent.length, 1, "another key is filtered out");
  key(enter, "keyup", "Enter", { altKey: true, metaKey: true });
  assert.deepEqual(sent[1], { name: "go", values: { key: "Enter", altKey: "true", metaKey: "true" }, el: enter, cls: "live-keyup-loading" });
  enter.dispatchEvent(new window.Event("keyup", { bubbles: true }));
  assert.equal(sent.length, 2, "a key event without a key (autofill) is not sent");
});

test("live-focus and live-blur fire for the element itself, not for its children", () => {
  const { root, sent } = setup('<div live-focus="outer" tabindex="0"><input id="a" live-focus="in" live-blur="out"></div>');
  const a = root.querySelector("#a");
  a.focus();
  a.blur();
  assert.deepEqual(sent.map((s) => s.name), ["in", "out"]);
});

test("window bindings: keys anywhere on the page, the window's own focus and blur", () => {
  const { root, sent, off } = setup('<div live-window-keydown="wk" live-key="Escape"></div><p live-window-keyup="wu"></p><i live-window-focus="wf" live-window-blur="wb"></i>');
  document.body.insertAdjacentHTML("beforeend", '<input id="outside">');
  const outside = document.querySelector("#outside");
  key(outside, "keydown", "Escape");
  key(outside, "keydown", "x");
  key(document.body, "keyup", "y");
  outside.focus();
  outside.blur();
  assert.deepEqual(sent.map((s) => [s.name, s.values.key]), [["wk", "Escape"], ["wu", "y"]], "an element's focus is not the window's");
  window.dispatchEvent(new window.Event("focus"));
  window.dispatchEvent(new window.Event("blur"));
  assert.deepEqual(sent.slice(2).map((s) => [s.name, s.el === root.querySelector("i"), s.cls]), [
    ["wf", true, "live-window-focus-loading"], ["wb", true, "live-window-blur-loading"],
  ]);
  off();
  key(outside, "keydown", "Escape");
  assert.equal(sent.length, 4, "off removes the window listeners too");
  outside.remove();
});

test("live-click-away: a click outside a visible element; before the click that opens it", () => {
  const { root, sent } = setup(
    '<style>.hidden{display:none}</style><button id="open" live-click=\'[["remove_class",{"names":"hidden","to":"#menu"}]]\'>open</button>' +
    '<ul id="menu" class="hidden" live-click-away=\'[["add_class",{"names":"hidden"}],["send",{"event":"closed"}]]\'><li id="item">x</li></ul>' +
    '<p id="else" live-click-away="away">p</p>',
  );
  const menu = root.querySelector("#menu");
  click(root.querySelector("#open"));
  assert.ok(!menu.classList.contains("hidden"), "the click that opens the menu does not close it");
  assert.deepEqual(sent.map((s) => s.name), ["away"]);
  click(root.querySelector("#item"));
  assert.ok(!menu.classList.contains("hidden"), "a click inside keeps it open");
  assert.deepEqual(sent.map((s) => s.name), ["away", "away"]);
  click(document.body);
  assert.ok(menu.classList.contains("hidden"), "a click outside closes it");
  assert.deepEqual(sent.map((s) => s.name), ["away", "away", "closed", "away"]);
  click(document.body);
  assert.equal(sent.filter((s) => s.name === "closed").length, 1, "a hidden element hears no click-away");
});

test("JS commands on a binding: no event without a send op; one event with the binding's values", () => {
  const { root, sent } = setup(
    '<div id="card" live-click=\'[["toggle_class",{"names":"hidden","inner":".body"}]]\'><p class="body hidden">b</p></div>' +
    '<button id="b" live-value-id="7" live-click=\'[["add_class",{"names":"on"}],["send",{"event":"pick","value":{"n":"1","id":"8"}}]]\'>b</button>' +
    '<form id="f" live-submit=\'[["send",{"event":"save"}]]\'><input name="t" value="x"></form>' +
    '<input id="k" live-keydown=\' [["send",{"event":"key"}]]\'>',
  );
  click(root.querySelector("#card"));
  assert.ok(!root.querySelector(".body").classList.contains("hidden"));
  assert.equal(sent.length, 0, "client-side only");
  click(root.querySelector("#b"));
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].values, { id: "8", n: "1" }, "the push's values win over live-value-*");
  assert.equal(sent[0].cls, "live-click-loading");
  assert.ok(root.querySelector("#b").classList.contains("on"));
  const e = new window.Event("submit", { bubbles: true, cancelable: true });
  root.querySelector("#f").dispatchEvent(e);
  assert.ok(e.defaultPrevented);
  assert.deepEqual([sent[1].name, sent[1].values], ["save", { t: "x" }]);
  key(root.querySelector("#k"), "keydown", "q");
  assert.deepEqual([sent[2].name, sent[2].values], ["key", { key: "q" }], "leading spaces are fine");
});

test("live-debounce: ten keystrokes in the window are one event, with the last values", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { root, sent } = setup('<form live-change="search"><input name="q" live-debounce="300"><input name="now"></form>');
  const [q, now] = root.querySelectorAll("input");
  for (let i = 1; i <= 10; i++) {
    q.value = "abcdefghij".slice(0, i);
    fire(q, "input");
    t.mock.timers.tick(100);
  }
  assert.equal(sent.length, 0, "nothing while typing");
  t.mock.timers.tick(200);
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].values, { q: "abcdefghij", now: "", _target: "q" });
  t.mock.timers.tick(1000);
  assert.equal(sent.length, 1, "sent once");
  now.value = "1";
  fire(now, "input");
  assert.equal(sent.length, 2, "a field without live-debounce sends at once");
});

test("live-debounce: blur sends a pending event at once; live-debounce=blur waits for it", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { root, sent } = setup('<form live-change="v"><input id="a" name="a" live-debounce="5000"><input id="b" name="b" live-debounce="blur"></form>');
  const a = root.querySelector("#a");
  const b = root.querySelector("#b");
  a.focus();
  a.value = "x";
  fire(a, "input");
  a.blur();
  assert.deepEqual(sent.map((s) => s.values._target), ["a"]);
  t.mock.timers.tick(6000);
  assert.equal(sent.length, 1, "not again when the timer would have fired");
  b.focus();
  b.value = "1";
  fire(b, "input");
  b.value = "12";
  fire(b, "input");
  t.mock.timers.tick(60000);
  assert.equal(sent.length, 1, "blur mode: nothing until blur");
  b.blur();
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1].values, { a: "x", b: "12", _target: "b" });
  b.focus();
  b.blur();
  assert.equal(sent.length, 2, "nothing pending: nothing sent");
});

test("live-debounce: a submit sends the pending change first", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { root, sent } = setup('<form live-change="v" live-submit="save"><input name="q" live-debounce="1000"></form>');
  const q = root.querySelector("input");
  q.value = "hi";
  fire(q, "input");
  fire(root.firstChild, "submit");
  assert.deepEqual(sent.map((s) => [s.name, s.values.q]), [["v", "hi"], ["save", "hi"]]);
  t.mock.timers.tick(2000);
  assert.equal(sent.length, 2);
});

test("live-debounce works on any binding: a click", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { root, sent } = setup('<button live-click="save" live-debounce="200">s</button>');
  for (let i = 0; i < 5; i++) click(root.firstChild);
  t.mock.timers.tick(200);
  assert.equal(sent.length, 1);
});

test("live-throttle: at once, then at most once per window, the last held event at its end", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { root, sent } = setup('<div live-keydown="move" live-throttle="100" tabindex="0"></div>');
  const d = root.firstChild;
  // 50 key repeats, one every 10 ms, over 500 ms.
  for (let i = 0; i < 50; i++) {
    key(d, "keydown", `k${i}`);
    t.mock.timers.tick(10);
  }
  t.mock.timers.tick(1000);
  const keys = sent.map((s) => s.values.key);
  assert.equal(keys[0], "k0", "the first at once");
  assert.equal(keys.at(-1), "k49", "the last is not lost");
  assert.ok(keys.length >= 5 && keys.length <= 6, `${keys.length} events for 500 ms at one per 100 ms`);
  key(d, "keydown", "again");
  assert.equal(sent.at(-1).values.key, "again", "a quiet element sends at once again");
});

test("live-disable-with: the text and disabled while in flight, restored at the reply", async () => {
  const { FakeWebSocket, fakeLocation, fakeStorage } = await import("../testutil/fakes.js");
  const { connect } = await import("../src/socket.js");
  FakeWebSocket.all = [];
  document.body.innerHTML =
    '<div live-root live-token="t"><button id="s" live-click="save" live-disable-with="Saving…"><b>Save</b></button>' +
    '<form id="f" live-submit="send"><button id="go" live-disable-with="Sending…">Send</button><button id="x">x</button></form></div>';
  const root = document.body.firstChild;
  const page = connect(root, { WebSocket: FakeWebSocket, location: fakeLocation(), storage: fakeStorage() });
  const off = bindEvents(root, page.push);
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  const s = root.querySelector("#s");
  click(s);
  assert.equal(s.textContent, "Saving…");
  assert.equal(s.disabled, true);
  assert.ok(s.classList.contains("live-click-loading"));
  ws.receive([0, 1]);
  assert.equal(s.innerHTML, "<b>Save</b>", "the element's own content comes back");
  assert.equal(s.disabled, false);
  assert.ok(!s.classList.contains("live-click-loading"));

  // A submit disables the form's elements that have it; a patch during
  // the event changes what comes back.
  fire(root.querySelector("#f"), "submit");
  const go = root.querySelector("#go");
  assert.equal(go.textContent, "Sending…");
  assert.equal(root.querySelector("#x").disabled, false);
  ws.receive([1, [[1, "go", [], "title", "t"]]]);
  assert.equal(go.textContent, "Sending…", "kept through a patch of the element");
  ws.receive([0, 2, [[0, "go", [0], "Send again"]]]);
  assert.equal(go.textContent, "Send again", "what the reply's patch says wins");
  assert.equal(go.disabled, false);
  assert.equal(go.title, "t");
  off();
  page.stop();
});
