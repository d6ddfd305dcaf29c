import { window, document } from "../testutil/dom.js";
import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { execute, registerCommand, restore } from "../src/commands.js";
import { applyOps } from "../src/patch.js";

// setup renders html in a live root and returns a runner of chains.
function setup(html) {
  document.body.innerHTML = `<div live-root>${html}</div>`;
  const root = document.body.firstChild;
  const pushed = [];
  const warnings = [];
  const run = (cmds, el = root.firstElementChild) =>
    withWarnings(warnings, () => execute(JSON.stringify(cmds), el, (name, values) => pushed.push([name, values])));
  return { root, $: (s) => root.querySelector(s), run, pushed, warnings };
}

function withWarnings(into, fn) {
  const orig = console.warn;
  console.warn = (...a) => into.push(a.join(" "));
  try {
    return fn();
  } finally {
    console.warn = orig;
  }
}

const has = (el, c) => el.classList.contains(c);

test("add_class, remove_class, toggle_class: several names, on the element itself", () => {
  const { $, run } = setup('<div id="x" class="a"></div>');
  const x = $("#x");
  run([["add_class", { names: "b  c" }]]);
  assert.equal(x.className, "a b c");
  run([["remove_class", { names: "a c" }]]);
  assert.equal(x.className, "b");
  run([["toggle_class", { names: "b d" }]]);
  assert.equal(x.className, "d");
  run([["toggle_class", { names: "d" }]]);
  assert.equal(x.className, "");
});

test("targets: to (one or many selectors, in the document), closest, inner; inner stays inside", () => {
  const { $, run } = setup(
    '<ul><li id="i1"><a>1</a><p class="e hidden">one</p></li><li id="i2"><p class="e hidden">two</p></li></ul>' +
    '<p id="far" class="hidden"></p>',
  );
  run([["toggle_class", { names: "hidden", to: "#far" }]]);
  assert.ok(!has($("#far"), "hidden"), "to as one string");
  run([["toggle_class", { names: "hidden", to: ["#i1 > .e", "#far"] }]]);
  assert.ok(!has($("#i1 .e"), "hidden") && has($("#far"), "hidden"), "to as a list");
  const a = $("#i1 a");
  run([["add_class", { names: "open", closest: "li" }]], a);
  assert.ok(has($("#i1"), "open") && !has($("#i2"), "open"));
  run([["toggle_class", { names: "hidden", inner: ".e" }]], $("#i2"));
  assert.ok(!has($("#i2 .e"), "hidden"));
  assert.ok(!has($("#i1 .e"), "hidden"), "the other item's child is not touched");
  run([["add_class", { names: "self", closest: "li" }]], $("#i2"));
  assert.ok(has($("#i2"), "self"), "closest includes the element itself");
});

test("transitions: an element whose last class ends its transition loses the class attribute", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { $, run } = setup('<div id="m"></div>');
  run([["show", { to: "#m", transition: "fade", time: 50 }]]);
  assert.equal($("#m").getAttribute("class"), "fade");
  t.mock.timers.tick(50);
  assert.equal($("#m").hasAttribute("class"), false, $("#m").outerHTML);
});

test("show, hide, toggle set display; display option; toggle reads the computed display", () => {
  const { $, run } = setup('<style>.off{display:none}</style><div id="m" class="off"></div><div id="n"></div>');
  const m = $("#m");
  run([["toggle", { to: "#m" }]]);
  assert.equal(m.style.display, "block");
  run([["toggle", { to: "#m" }]]);
  assert.equal(m.style.display, "none");
  run([["show", { to: "#m", display: "flex" }]]);
  assert.equal(m.style.display, "flex");
  run([["hide", { to: ["#m", "#n"] }]]);
  assert.equal(m.style.display, "none");
  assert.equal($("#n").style.display, "none");
});

test("transitions: classes held for time ms (200 by default), hide waits for them", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { $, run } = setup('<div id="c" class="chevron"></div><div id="m"></div>');
  const c = $("#c");
  run([["toggle_class", { names: "rotate-180", to: "#c", transition: "turning slow", time: 300 }]]);
  assert.ok(has(c, "rotate-180") && has(c, "turning") && has(c, "slow"), "class and transition classes at once");
  t.mock.timers.tick(299);
  assert.ok(has(c, "turning"), "held for the duration");
  t.mock.timers.tick(1);
  assert.ok(!has(c, "turning") && !has(c, "slow") && has(c, "rotate-180"), "transition classes gone, class stays");

  const m = $("#m");
  run([["hide", { to: "#m", transition: "fade" }]]);
  assert.ok(has(m, "fade") && m.style.display !== "none", "hide waits");
  t.mock.timers.tick(200);
  assert.ok(!has(m, "fade"));
  assert.equal(m.style.display, "none");
  run([["show", { to: "#m", transition: "fade", time: 50 }]]);
  assert.equal(m.style.display, "block", "show shows at once");
  assert.ok(has(m, "fade"));
  t.mock.timers.tick(50);
  assert.ok(!has(m, "fade"));
  run([["hide", { to: "#m" }]]);
  assert.equal(m.style.display, "none", "no transition: at once");
});

test("set_attr and remove_attr; focus focuses the first target", () => {
  const { $, run } = setup('<button id="b">b</button><input id="q"><input id="r">');
  run([["set_attr", { attr: "aria-expanded", val: "true" }], ["set_attr", { attr: "data-n", val: 3 }]], $("#b"));
  assert.equal($("#b").getAttribute("aria-expanded"), "true");
  assert.equal($("#b").getAttribute("data-n"), "3");
  run([["remove_attr", { attr: "aria-expanded" }]], $("#b"));
  assert.equal($("#b").hasAttribute("aria-expanded"), false);
  run([["focus", { to: "input" }]], $("#b"));
  assert.equal(document.activeElement, $("#q"));
});

test("dispatch: a bubbling CustomEvent with the values as detail, on each target", () => {
  const { root, $, run } = setup('<p id="a"></p><p id="b"></p>');
  const got = [];
  root.addEventListener("copied", (e) => got.push([e.target.id, e.detail, e.bubbles]));
  run([["dispatch", { event: "copied", to: "p", value: { text: "hi" } }]]);
  assert.deepEqual(got, [["a", { text: "hi" }, true], ["b", { text: "hi" }, true]]);
  run([["dispatch", { event: "copied", to: "#a" }]]);
  assert.deepEqual(got[2][1], {});
});

test("send sends one event with its values as strings; chains run in order", () => {
  const { $, run, pushed } = setup('<button id="b">b</button>');
  const b = $("#b");
  const seen = [];
  const chain = [["add_class", { names: "x" }], ["send", { event: "inc", value: { n: 2, s: "a" } }], ["remove_class", { names: "x" }]];
  run(chain, b);
  assert.deepEqual(pushed, [["inc", { n: "2", s: "a" }]]);
  assert.ok(!has(b, "x"));
  // Order: each op sees what the one before it did.
  registerCommand("probe", (a, c) => seen.push(has(c.el, "y")));
  run([["add_class", { names: "y" }], ["probe"], ["remove_class", { names: "y" }], ["probe"]], b);
  assert.deepEqual(seen, [true, false]);
});

test("a chain without send sends nothing", () => {
  const { run, pushed } = setup('<div id="x"></div>');
  run([["toggle_class", { names: "a" }], ["show", {}], ["set_attr", { attr: "t", val: "1" }], ["dispatch", { event: "e" }]]);
  assert.equal(pushed.length, 0);
});

test("exec runs the chain stored in another element's attribute, for that element", () => {
  const { $, run, pushed, warnings } = setup(
    '<button id="b">b</button><div id="modal" data-close=\'[["add_class",{"names":"closed"}],["send",{"event":"closed"}]]\'></div>' +
    '<div id="loop" data-self=\'[["exec",{"attr":"data-self"}]]\'></div>',
  );
  run([["exec", { attr: "data-close", to: "#modal" }]], $("#b"));
  assert.ok(has($("#modal"), "closed"));
  assert.deepEqual(pushed, [["closed", {}]]);
  run([["exec", { attr: "data-none", to: "#modal" }]], $("#b"));
  assert.match(warnings.at(-1), /no attribute data-none.*<div#modal/);
  run([["exec", { attr: "data-self" }]], $("#loop"));
  assert.match(warnings.at(-1), /nested too deep.*<div#loop>/, "a chain that runs itself stops");
});

test("exec that fans out stops after a bounded number of chains", { timeout: 10000 }, () => {
  // Each of ten elements execs all ten again, eight levels deep: 10^8
  // chains without a budget.
  const fan = '[["exec",{"attr":"data-fan","to":".f"}],["add_class",{"names":"ran"}]]';
  const { $, run, warnings } = setup(`<button id="b">b</button>${`<div class="f" data-fan='${fan}'></div>`.repeat(10)}`);
  run([["exec", { attr: "data-fan", to: ".f" }]], $("#b"));
  assert.equal(warnings.filter((w) => /more than 1000 chains/.test(w)).length, 1, warnings.slice(-3).join("\n"));
  assert.ok(has($(".f"), "ran"), "the chains within the budget ran");
});

test("registerCommand adds an op in one line", () => {
  const { $, run } = setup('<div id="x"></div>');
  registerCommand("mark", (a, c) => c.el.setAttribute("data-mark", a.as));
  run([["mark", { as: "yes" }]]);
  assert.equal($("#x").getAttribute("data-mark"), "yes");
});

test("bad input: a clear warning naming the element; the rest keeps working", () => {
  const { $, run, warnings, pushed } = setup('<div id="x" class="k"></div><p id="y"></p>');
  const x = $("#x");
  withWarnings(warnings, () => execute("[[\"toggle_class\"", x, () => {}));
  assert.match(warnings[0], /templive: bad JS commands .*on <div#x\.k>/);
  withWarnings(warnings, () => execute('{"a":1}', x, () => {}));
  assert.match(warnings[1], /not an array/);
  run([["nope", {}], "junk", ["constructor", {}], ["add_class", { names: "ok" }]], x);
  assert.match(warnings[2], /unknown JS command "nope".*<div#x/);
  assert.match(warnings[3], /unknown JS command undefined/);
  assert.match(warnings[4], /unknown JS command "constructor"/);
  assert.ok(has(x, "ok"), "the good op of the chain ran");
  run([["add_class", { names: "z", to: "#missing" }]], x);
  assert.match(warnings[5], /no element matches "#missing", on <div#x/);
  run([["add_class", { names: "z", to: "##bad(" }], ["add_class", { names: "after" }]], x);
  assert.match(warnings[6], /JS command add_class failed/);
  assert.ok(has(x, "after"));
  run([["send", {}]], x);
  assert.match(warnings[7], /send without an event/);
  withWarnings(warnings, () => execute('[["send",{"event":"e"}]]', x));
  assert.match(warnings[8], /nowhere to send "e"/);
  assert.equal(pushed.length, 0);
});

test("sticky: classes, attributes and display changed by commands survive patches of the element", () => {
  const { root, $, run } = setup('<div id="card"><p id="body" class="body hidden" title="a">text</p><i id="c" class="chevron"></i></div>');
  run([
    ["toggle_class", { names: "hidden", to: "#body" }],
    ["add_class", { names: "rotate-180", to: "#c" }],
    ["set_attr", { attr: "aria-expanded", val: "true", to: "#body" }],
    ["show", { to: "#c", display: "inline" }],
  ]);
  const hooks = { updated: restore };
  // An attribute op rewrites the class attribute as the server has it.
  applyOps(root, [[1, "body", [], "class", "body hidden odd"], [1, "c", [], "style", "color: red"]], hooks);
  assert.equal($("#body").className, "body odd");
  assert.equal($("#c").style.display, "inline");
  // A morph of the whole card, with new text and the server's classes.
  applyOps(root, [[9, "card", [], '<div id="card"><p id="body" class="body hidden even">new</p><i id="c" class="chevron"></i></div>']], hooks);
  const body = $("#body");
  assert.equal(body.textContent, "new");
  assert.ok(!has(body, "hidden") && has(body, "even"));
  assert.equal(body.getAttribute("aria-expanded"), "true");
  assert.ok(has($("#c"), "rotate-180"));
  // Toggled back by the user: the server's class comes back and stays.
  run([["toggle_class", { names: "hidden", to: "#body" }]]);
  applyOps(root, [[1, "body", [], "class", "body hidden"]], hooks);
  assert.ok(has($("#body"), "hidden"));
  // Without the hook the patch would win: the hook is what keeps it.
  run([["toggle_class", { names: "hidden", to: "#body" }]]);
  applyOps(root, [[1, "body", [], "class", "body hidden"]]);
  assert.ok(has($("#body"), "hidden"));
});

test("sticky: transition classes are kept by a patch during the transition only", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { root, $, run } = setup('<i id="c" class="chevron"></i>');
  run([["toggle_class", { names: "rotate-180", to: "#c", transition: "turning", time: 300 }]]);
  applyOps(root, [[1, "c", [], "class", "chevron x"]], { updated: restore });
  assert.equal($("#c").className, "chevron x turning rotate-180");
  t.mock.timers.tick(300);
  applyOps(root, [[1, "c", [], "class", "chevron"]], { updated: restore });
  assert.equal($("#c").className, "chevron rotate-180");
});

test("bad args of the newer ops: warnings, no change, nothing thrown", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { $, run, warnings } = setup('<button id="b">b</button><div id="d" class="k">d</div>');
  const b = $("#b");
  run([["toggle_attr", {}], ["toggle_attr", { attr: "" }], ["toggle_attr", { attr: { x: 1 } }]], b);
  assert.equal(warnings.filter((w) => /toggle_attr without an attribute, on <button#b>/.test(w)).length, 3);
  run([["show", { to: "#d", in: "not a list" }], ["hide", { to: "#d", out: [1, null, {}] }], ["show", { to: "#d" }]], b);
  t.mock.timers.runAll();
  assert.equal($("#d").className, "k");
  assert.equal($("#d").style.display, "block");
  run([["pop_focus", {}], ["pop_focus"], ["push_focus", { to: "#none" }], ["pop_focus", {}]], b);
  run([["focus_first", { to: "#d" }]], b);
  assert.match(warnings.at(-1), /nothing focusable inside, on <div#d\.k>/);
  assert.notEqual(document.activeElement, b);
});

test("a show cancels a hide still fading out: the element stays shown, without the fade's classes", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { $, run } = setup('<button id="b">b</button><div id="d" class="k">d</div>');
  run([["hide", { to: "#d", out: ["fading", "opaque", "faded"], time: 150 }]], $("#b"));
  assert.equal($("#d").className, "k fading faded");
  t.mock.timers.tick(50);
  run([["show", { to: "#d" }]], $("#b"));
  t.mock.timers.tick(500);
  assert.equal($("#d").style.display, "block");
  assert.equal($("#d").className, "k");
  // A finished hide is not undone later: its end is not run twice.
  run([["hide", { to: "#d", transition: "x", time: 10 }]], $("#b"));
  t.mock.timers.tick(20);
  run([["add_class", { names: "x", to: "#d" }], ["show", { to: "#d" }]], $("#b"));
  assert.equal($("#d").className, "k x");
});
