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
