// The bindings that run command chains on an element's life and the
// connection's (lifecycle.js), live-confirm (events.js),
// live-ignore-attributes (patch.js) and live-focus-wrap (focus.js).
import { window, document } from "../testutil/dom.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { bindEvents } from "../src/events.js";
import { bindFocusWrap } from "../src/focus.js";
import { lifecycle } from "../src/lifecycle.js";
import { applyOps } from "../src/patch.js";
import { execute } from "../src/commands.js";

function setup(html) {
  document.body.innerHTML = `<div live-root>${html}</div>`;
  const root = document.body.firstChild;
  const sent = [];
  const push = (name, values, el) => sent.push([name, values, el && el.id]);
  return { root, sent, push, $: (s) => root.querySelector(s) };
}

const has = (el, c) => el.classList.contains(c);

test("live-mounted runs at start and for each element a patch adds; live-remove before a patch removes", () => {
  const { root, sent, push, $ } = setup(
    `<ul id="l"><li id="a" live-value-id="a" live-mounted='[["add_class",{"names":"new"}]]' live-remove='[["send",{"event":"gone"}]]'>a</li></ul>`,
  );
  const life = lifecycle(root, push);
  life.start();
  assert.ok(has($("#a"), "new"));
  const hooks = { added: life.added, removing: life.removing };
  // Insert: the new item's chain runs; the old one's does not run again.
  applyOps(root, [[3, "l", [], 1, `<li id="b" live-mounted='[["add_class",{"names":"new"}],["send",{"event":"seen"}]]'>b</li>`]], hooks);
  assert.ok(!has($("#b"), "new"), "the chain waits for the end of the frame");
  life.flush();
  assert.ok(has($("#b"), "new"));
  assert.deepEqual(sent, [["seen", {}, "b"]]);
  // Remove: the chain runs while the element is still in the page.
  let inPage = null;
  root.addEventListener("probe", () => (inPage = root.contains($("#a"))));
  $("#a").setAttribute("live-remove", '[["dispatch",{"event":"probe"}],["send",{"event":"gone","value":{"why":"x"}}]]');
  applyOps(root, [[7, "a", []]], hooks);
  assert.equal(inPage, true);
  assert.deepEqual(sent[1], ["gone", { id: "a", why: "x" }, "a"]);
  // A morph that drops an element runs its live-remove too.
  $("#b").setAttribute("live-remove", '[["send",{"event":"gone-b"}]]');
  applyOps(root, [[9, "l", [], `<ul id="l"></ul>`]], hooks);
  assert.deepEqual(sent.at(-1), ["gone-b", {}, "b"]);
  assert.equal($("#b"), null);
});

test("live-connected and live-disconnected run on every element that has them", () => {
  const { root, push, $ } = setup(
    `<p id="on" style="display: none" live-connected='[["show",{}]]' live-disconnected='[["hide",{}]]'>online</p>` +
    `<p id="off" live-connected='[["hide",{}]]' live-disconnected='[["show",{"display":"inline"}]]'>offline</p>`,
  );
  const life = lifecycle(root, push);
  life.up();
  assert.equal($("#on").style.display, "block");
  assert.equal($("#off").style.display, "none");
  life.down();
  assert.equal($("#on").style.display, "none");
  assert.equal($("#off").style.display, "inline");
});

test("live-confirm: the click and submit bindings run only when the user confirms", () => {
  const { root, sent, push, $ } = setup(
    `<button id="del" live-click="delete" live-confirm="Delete it?">x</button>` +
    `<form id="f" live-submit='[["send",{"event":"save"}]]' live-confirm="Save?"><input name="a" value="1"></form>`,
  );
  bindEvents(root, push);
  const asked = [];
  let answer = false;
  const orig = window.confirm;
  window.confirm = (q) => (asked.push(q), answer);
  try {
    $("#del").dispatchEvent(new window.MouseEvent("click", { bubbles: true, cancelable: true }));
    const sub = new window.Event("submit", { bubbles: true, cancelable: true });
    $("#f").dispatchEvent(sub);
    assert.equal(sub.defaultPrevented, true, "a refused submit does not reload the page either");
    assert.deepEqual(sent, []);
    answer = true;
    $("#del").dispatchEvent(new window.MouseEvent("click", { bubbles: true, cancelable: true }));
    $("#f").dispatchEvent(new window.Event("submit", { bubbles: true, cancelable: true }));
    assert.deepEqual(sent.map((s) => s[0]), ["delete", "save"]);
    assert.deepEqual(asked, ["Delete it?", "Save?", "Delete it?", "Save?"]);
  } finally {
    window.confirm = orig;
  }
});

test("live-ignore-attributes: attribute ops and morphs leave the listed attributes as the page has them", () => {
  const { root, $ } = setup(`<details id="d" live-ignore-attributes="open data-x" class="a"><summary>s</summary><p>1</p></details>`);
  $("#d").setAttribute("open", "");
  applyOps(root, [[2, "d", [], "open"], [1, "d", [], "data-x", "server"], [1, "d", [], "class", "b"]]);
  assert.ok($("#d").hasAttribute("open"), "unattr of an ignored attribute is skipped");
  assert.ok(!$("#d").hasAttribute("data-x"), "so is attr");
  assert.equal($("#d").className, "b", "other attributes are patched");
  applyOps(root, [[9, "d", [], `<details id="d" live-ignore-attributes="open data-x" class="c" data-x="s"><summary>s</summary><p>2</p></details>`]]);
  assert.ok($("#d").hasAttribute("open"), "a morph keeps open");
  assert.ok(!$("#d").hasAttribute("data-x"), "and leaves data-x absent");
  assert.equal($("#d").className, "c");
  assert.equal($("#d p").textContent, "2", "the children are patched");
  $("#d").removeAttribute("open");
  applyOps(root, [[9, "d", [], `<details id="d" live-ignore-attributes="open data-x" open><summary>s</summary><p>3</p></details>`]]);
  assert.ok(!$("#d").hasAttribute("open"), "closed by the user, it stays closed");
});

test("live-focus-wrap: Tab on the last element goes to the first, Shift+Tab on the first to the last", () => {
  const { root, $ } = setup(
    `<button id="out">out</button><div id="m" live-focus-wrap><input id="a"><button id="x" disabled>x</button><a id="b" href="#">b</a><p tabindex="-1" id="p">p</p></div>`,
  );
  const off = bindFocusWrap(root);
  const tab = (el, shift) => {
    const e = new window.KeyboardEvent("keydown", { key: "Tab", shiftKey: !!shift, bubbles: true, cancelable: true });
    el.dispatchEvent(e);
    return e.defaultPrevented;
  };
  $("#b").focus();
  assert.equal(tab($("#b")), true);
  assert.equal(document.activeElement.id, "a");
  assert.equal(tab($("#a"), true), true);
  assert.equal(document.activeElement.id, "b");
  $("#a").focus();
  assert.equal(tab($("#a")), false, "in the middle the browser moves the focus");
  $("#p").focus();
  assert.equal(tab($("#p")), true, "from an element Tab skips, to the first");
  assert.equal(document.activeElement.id, "a");
  $("#out").focus();
  assert.equal(tab($("#out")), false, "outside the container nothing changes");
  off();
  $("#b").focus();
  assert.equal(tab($("#b")), false);
});

test("a live-mounted FocusFirst and a live-remove PopFocus keep the focus they give", () => {
  const { root, push, $ } = setup(`<button id="open">open</button><div id="box"></div>`);
  const life = lifecycle(root, push);
  const hooks = { added: life.added, removing: life.removing };
  $("#open").focus();
  execute('[["push_focus",{}]]', $("#open"));
  applyOps(root, [[3, "box", [], 0, `<div id="dlg" live-mounted='[["focus_first",{}]]' live-remove='[["pop_focus",{}]]'><button id="x">x</button></div>`]], hooks);
  life.flush();
  assert.equal(document.activeElement.id, "x");
  applyOps(root, [[7, "dlg", []]], hooks);
  assert.equal(document.activeElement.id, "open", "PopFocus, the focused button gone");
  // The focused field stays in the page: a patch that only moves the focus
  // by a chain does not take it back.
  applyOps(root, [[3, "box", [], 0, `<input id="f"><p id="t" live-remove='[["focus",{"to":"#open"}]]'>t</p>`]], hooks);
  $("#f").focus();
  applyOps(root, [[7, "t", []]], hooks);
  assert.equal(document.activeElement.id, "open");
});
