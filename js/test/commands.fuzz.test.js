// Fuzzing the JS command runner: thousands of random and mutated attribute
// values are run as command chains against a page. Whatever the value, the
// runner must not throw (now or from a timer it set), must not log errors
// (a bad chain is a console warning naming the element), and may only push
// events named by a string with string values.
//
// TEMPLIVE_FUZZ_MS=600000 npm test -- ... runs it for that long instead of
// a fixed number of cases (see the Makefile's fuzz target).
import "../testutil/dom.js";
import { Window } from "happy-dom";
import { test } from "node:test";
import assert from "node:assert/strict";
import { execute, restore } from "../src/commands.js";

const PAGE =
  '<section live-sounds=\'{"click":"/s/click.wav"}\'>' +
  '<ul id="list"><li id="i1" class="card" x-run=\'[["toggle_class",{"names":"open"}]]\'><a id="a1">1</a><p class="e hidden">one</p></li>' +
  '<li id="i2" class="card" x-run=\'[["exec",{"attr":"x-run","to":".card"}]]\'><p class="e">two</p></li></ul>' +
  '<form id="f"><input id="q" name="q" value="v"><button id="b">b</button></form>' +
  '<svg id="s" viewBox="0 0 1 1"><circle r="1"></circle></svg><template id="t"><p>t</p></template>' +
  "</section>";

// Seeds: chains as live/js.go renders them, and the odd ones.
const SEEDS = [
  [["add_class", { names: "a b" }]],
  [["remove_class", { names: "hidden", to: ["#i1 > .e", "#list"] }]],
  [["toggle_class", { names: "open", closest: "li", transition: "turning", time: 300 }]],
  [["show", { inner: ".e", display: "flex", transition: "fade", time: 50 }], ["hide", { to: "#s" }]],
  [["toggle", { to: "#q" }]],
  [["set_attr", { attr: "aria-expanded", val: "true", to: "#b" }], ["remove_attr", { attr: "disabled" }]],
  [["focus", { to: "#q" }]],
  [["dispatch", { event: "open", value: { id: 1, ok: true } }]],
  [["send", { event: "save", value: { n: 3, s: "x" } }]],
  [["play_sound", { sound: "click", volume: 0.5 }]],
  [["exec", { attr: "x-run", to: ".card" }]],
  [["exec", { attr: "x-run", closest: "li" }], ["send", { event: "after" }]],
  [["toggle_attr", { attr: "open", val: "" }], ["toggle_attr", { attr: "aria-expanded", val: "true", alt: "false", to: "#b" }]],
  [["push_focus", {}], ["focus_first", { to: "#list" }], ["pop_focus", {}], ["pop_focus", {}]],
  [["show", { to: "#s", in: ["fade", "o-0", "o-100"], time: 20 }], ["hide", { to: "#s", out: "fade o-0" }], ["toggle", { out: [null, 5, {}] }]],
  [],
  [[]],
  [null, 5, "x", ["unknown_op", {}], ["__proto__", {}], ["constructor", {}], ["toString"]],
];

const OPS = ["add_class", "remove_class", "toggle_class", "show", "hide", "toggle", "set_attr", "remove_attr",
  "focus", "dispatch", "send", "play_sound", "exec", "toggle_attr", "focus_first", "push_focus", "pop_focus", "nope", "__proto__", "constructor", "hasOwnProperty", ""];
const KEYS = ["names", "to", "closest", "inner", "transition", "time", "display", "attr", "val", "event", "value",
  "alt", "in", "out", "sound", "volume", "__proto__", "constructor", "toString", "valueOf"];
const STRINGS = ["", " ", "open", "a b  c", "hidden", "#i1", ".card", "li", "*", ":scope", "#list > li", "[x-run]",
  "#nope", "[", "]", ":has(", "::before", "a,,b", "<img src=x onerror=alert(1)>", "\u0000", "\ud800", "x".repeat(300),
  "x-run", "onclick", "style", "class", "id", "live-click", "javascript:alert(1)", "click", "templive:x", "live:sound",
  "-1", "NaN", "1e309", "__proto__", "constructor"];

// A small seeded generator, so that a failure names its case.
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function randomValue(r, depth = 0) {
  const n = Math.floor(r() * 12);
  switch (n) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return Math.floor(r() * 2000) - 500;
    case 3: return [1e308, -1e308, 0.5, -0, 2 ** 53 + 1, 1e-320][Math.floor(r() * 6)];
    case 4:
      if (depth < 3) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
      return [];
    case 5:
      if (depth < 3) return randomArgs(r, depth + 1);
      return {};
    default: return STRINGS[Math.floor(r() * STRINGS.length)];
  }
}

function randomArgs(r, depth = 0) {
  const a = {};
  for (let i = Math.floor(r() * 5); i > 0; i--) a[KEYS[Math.floor(r() * KEYS.length)]] = randomValue(r, depth);
  return a;
}

function randomChain(r) {
  if (r() < 0.3) {
    const seed = SEEDS[Math.floor(r() * SEEDS.length)];
    return JSON.stringify(seed);
  }
  const chain = [];
  for (let i = Math.floor(r() * 5); i > 0; i--) {
    const op = r() < 0.9 ? OPS[Math.floor(r() * OPS.length)] : randomValue(r);
    chain.push(r() < 0.1 ? [op] : r() < 0.05 ? randomValue(r) : [op, r() < 0.9 ? randomArgs(r) : randomValue(r)]);
  }
  return JSON.stringify(chain);
}

const BYTES = '[]{}",:0123456789-.eE \\u\u0000\ud800abc';

// mutate changes a chain's text the way a corrupted or hostile attribute
// might: bytes flipped, dropped, duplicated, cut.
function mutate(r, s) {
  for (let i = 1 + Math.floor(r() * 4); i > 0; i--) {
    const at = Math.floor(r() * (s.length + 1));
    switch (Math.floor(r() * 5)) {
      case 0: s = s.slice(0, at) + BYTES[Math.floor(r() * BYTES.length)] + s.slice(at); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1); break;
      case 2: s = s.slice(0, at) + s.slice(at, at + Math.floor(r() * 20)) + s.slice(at); break;
      case 3: s = s.slice(0, at); break;
      case 4: s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x10000)) + s.slice(at + 1); break;
    }
  }
  return s;
}

// browserTimers mocks the timers, with a setTimeout that converts its
// delay as a browser's does (WebIDL long: ToInt32, then negatives are 0),
// since a chain's "time" can be anything.
function browserTimers(t) {
  t.mock.timers.enable({ apis: ["setTimeout", "setInterval"] });
  const mocked = globalThis.setTimeout;
  globalThis.setTimeout = (fn, ms, ...args) => mocked(fn, Math.max(0, Number(ms) | 0), ...args);
}

// Each case runs on a fresh page of a window that is replaced every few
// hundred cases: happy-dom keeps what querySelector met as long as its
// window lives, and a long run would run out of memory.
let win = null;
let cases = 0;

async function page(t) {
  if (!win || ++cases % 300 === 0) {
    if (win) {
      // The window closes on real timers.
      t.mock.timers.reset();
      await win.happyDOM.close();
      browserTimers(t);
    }
    win = new Window({ url: "https://example.test/app/page" });
  }
  win.document.body.innerHTML = `<div live-root>${PAGE}</div>`;
  return win.document.body.firstChild;
}

async function runCase(t, r, value) {
  const root = await page(t);
  const document = root.ownerDocument;
  const els = [root, ...root.querySelectorAll("*")];
  const el = els[Math.floor(r() * els.length)];
  const pushes = [];
  execute(value, el, (name, values) => pushes.push([name, values]));
  // Transitions end, however long (a timer left pending would keep this
  // case's page alive); their timers must not throw.
  t.mock.timers.runAll();
  els.forEach(restore); // what a patch of each element does
  for (const [name, values] of pushes) {
    assert.equal(typeof name, "string", `a push named by a ${typeof name}`);
    assert.ok(name !== "", "a push with an empty name");
    for (const k in values) assert.equal(typeof values[k], "string", `push value ${JSON.stringify(k)} of type ${typeof values[k]}`);
  }
  assert.ok(document.body.contains(root), `the root left the page after ${value}`);
}

// Chains the fuzzer found that escaped the runner, run on every test run.
const FOUND = [
  // An op that is an object whose toString is not a function: looking it
  // up as a key threw out of execute (and out of the click handler).
  '[[{"toString":1},{}]]',
  '[[{"toString":null,"valueOf":null}]]',
  // A push whose event is not a string reached the socket, whose error
  // message for it then threw while printing the name.
  '[["send",{"event":{"toString":null}}]]',
  '[["send",{"event":["save"]}]]',
];

test("fuzz regressions", async (t) => {
  browserTimers(t);
  const errors = t.mock.method(console, "error", () => {});
  const warnings = t.mock.method(console, "warn", () => {});
  const r = rng(1);
  for (const value of FOUND) {
    const before = warnings.mock.callCount();
    await runCase(t, r, value);
    assert.equal(warnings.mock.callCount(), before + 1, `one warning for ${value}`);
  }
  assert.equal(errors.mock.callCount(), 0);
});

// counting replaces console[method] for the test with a counter that keeps
// the first message only: a long run must not hold every warning.
function counting(t, method) {
  const orig = console[method];
  const c = { count: 0, first: "" };
  console[method] = (...a) => {
    const msg = a.map(String).join(" ");
    if (msg.startsWith("(node:")) return orig(...a); // Node's own warnings (experimental mock timers)
    if (c.count++ === 0) c.first = msg;
  };
  t.after(() => (console[method] = orig));
  return c;
}

test("fuzz: no JS command chain throws, logs an error, or pushes anything but strings", async (t) => {
  browserTimers(t);
  const errors = counting(t, "error");
  const warnings = counting(t, "warn");
  const budget = Number(process.env.TEMPLIVE_FUZZ_MS) || 0;
  const iterations = budget ? Infinity : 1000;
  const seed = Number(process.env.TEMPLIVE_FUZZ_SEED) || Date.now();
  const r = rng(seed);
  const start = Date.now();
  let n = 0;
  for (; n < iterations && (!budget || Date.now() - start < budget); n++) {
    const value = r() < 0.5 ? randomChain(r) : mutate(r, randomChain(r));
    try {
      await runCase(t, r, value);
    } catch (err) {
      assert.fail(`seed ${seed}, case ${n}: ${value}\n${err.stack}`);
    }
    if (errors.count > 0) assert.fail(`seed ${seed}, case ${n}: console.error(${errors.first}) for ${value}`);
  }
  t.diagnostic(`${n} chains in ${Date.now() - start} ms (seed ${seed}), ${warnings.count} warnings`);
  assert.ok(warnings.count > 0, "no chain was ever warned about: the fuzzer is not reaching the runner");
});
