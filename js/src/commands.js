// JS commands: chains of client-side DOM changes that a live-* binding runs
// instead of, or besides, sending a server event. The server renders a chain
// as JSON data (live/js.go), [[op, args], ...]; this module interprets it:
// no eval, no inline script, so a strict Content-Security-Policy holds.
//
// Classes, attributes and display set by commands are sticky: patches of the
// same elements keep them (restore runs after every patch of an element).
import { ATTR_ROOT } from "./constants.js";
import { playSound } from "./sound.js";
import { dropClass } from "./classes.js";

// DEFAULT_TIME is how long (ms) transition classes stay when no time is given.
const DEFAULT_TIME = 200;
// MAX_DEPTH bounds exec chains that run each other.
const MAX_DEPTH = 8;
// MAX_RUNS bounds the chains one run executes in all, exec included: an exec
// whose targets exec again fans out, and depth alone would let eight levels
// of ten targets run a hundred million chains.
const MAX_RUNS = 1000;

// OPS maps an op name to fn(args, ctx); ctx is {el, push, depth, budget}: el
// is the element the chain runs for, push(name, values) sends a server
// event; depth and budget bound exec. No
// prototype: an op named "constructor" must not find Object's.
const OPS = {
  __proto__: null,
  add_class: classOp(true),
  remove_class: classOp(false),
  toggle_class: classOp(null),
  show: (a, c) => each(a, c, (el) => show(el, a)),
  hide: (a, c) => each(a, c, (el) => hide(el, a)),
  toggle: (a, c) => each(a, c, (el) => (hidden(el) ? show : hide)(el, a)),
  set_attr: (a, c) => each(a, c, (el) => setAttr(el, a.attr, String(a.val))),
  remove_attr: (a, c) => each(a, c, (el) => setAttr(el, a.attr, null)),
  focus: (a, c) => each(a, c, (el) => el.focus(), true),
  dispatch: (a, c) => each(a, c, (el) => {
    const W = el.ownerDocument.defaultView;
    el.dispatchEvent(new W.CustomEvent(a.event, { bubbles: true, detail: a.value || {} }));
  }),
  push: (a, c) => {
    if (!a.event || typeof a.event !== "string") return warn(c.el, "push without an event");
    if (!c.push) return warn(c.el, `nowhere to push "${a.event}"`);
    // Event values travel as strings.
    const v = {};
    for (const k in a.value) v[k] = String(a.value[k]);
    c.push(a.event, v);
  },
  // play_sound plays a sound declared by a live-sounds container of the
  // element's live root (sound.js).
  play_sound: (a, c) => playSound(c.el.closest(`[${ATTR_ROOT}]`) || c.el.ownerDocument.body, a.sound, a),
  exec: (a, c) => {
    if (c.depth >= MAX_DEPTH) return warn(c.el, "exec nested too deep");
    each(a, c, (el) => {
      const v = el.getAttribute(a.attr);
      if (v == null) warn(el, `no attribute ${a.attr} to exec`);
      else execute(v, el, c.push, c.depth + 1, c.budget);
    });
  },
};

// registerCommand adds an op: fn(args, ctx) as in OPS. targets(args, ctx)
// finds the elements an op with target options applies to.
export function registerCommand(name, fn) {
  OPS[name] = fn;
}

// sticky maps an element to what commands changed on it:
// {c: Map class -> present, a: Map attribute -> value or null, d: display}.
const sticky = new WeakMap();

function record(el) {
  let r = sticky.get(el);
  if (!r) sticky.set(el, (r = { c: new Map(), a: new Map(), d: null }));
  return r;
}

// restore puts back on el what commands changed, after a patch changed it.
export function restore(el) {
  const r = sticky.get(el);
  if (!r) return;
  r.a.forEach((v, n) => (v == null ? el.removeAttribute(n) : el.setAttribute(n, v)));
  r.c.forEach((on, n) => el.classList.toggle(n, on));
  if (r.d != null) el.style.display = r.d;
}

// execute runs the chain json for el, in order. A malformed chain, an
// unknown op or a failing op is a console warning naming el; the other ops
// still run and nothing is thrown.
export function execute(json, el, push, depth = 0, budget = { runs: MAX_RUNS }) {
  if (--budget.runs < 0) {
    if (budget.runs === -1) warn(el, `exec ran more than ${MAX_RUNS} chains: the rest is skipped`);
    return;
  }
  let cmds;
  try {
    cmds = JSON.parse(json);
    if (!Array.isArray(cmds)) throw new Error("not an array");
  } catch (err) {
    return warn(el, `bad JS commands (${err.message}): ${json}`);
  }
  for (const cmd of cmds) {
    const [op, args] = Array.isArray(cmd) ? cmd : [];
    // Only a string names an op: an object could not even be a key.
    const fn = typeof op === "string" && OPS[op];
    if (!fn) {
      warn(el, `unknown JS command ${JSON.stringify(op)}`);
      continue;
    }
    try {
      fn(args || {}, { el, push, depth, budget });
    } catch (err) {
      warn(el, `JS command ${op} failed: ${err.message}`);
    }
  }
}

// targets returns the elements a command applies to: args.to (selectors
// matched in the document), args.closest (el's closest ancestor-or-self
// matching), args.inner (el's descendants matching), else el itself.
export function targets(a, c) {
  const el = c.el;
  const sel = a.to || a.closest || a.inner;
  const list =
    a.to ? [].concat(a.to).flatMap((s) => Array.from(el.ownerDocument.querySelectorAll(s)))
    : a.closest ? [el.closest(a.closest)].filter(Boolean)
    : a.inner ? Array.from(el.querySelectorAll(a.inner))
    : [el];
  if (!list.length) warn(el, `no element matches ${JSON.stringify(sel)}`);
  return list;
}

function each(a, c, fn, first) {
  const list = targets(a, c);
  (first ? list.slice(0, 1) : list).forEach(fn);
}

function classOp(on) {
  return (a, c) => each(a, c, (el) => transition(el, a, () => {
    for (const n of words(a.names)) {
      const v = on === null ? !el.classList.contains(n) : on;
      el.classList.toggle(n, v);
      record(el).c.set(n, v);
    }
  }));
}

function words(s) {
  return String(s || "").split(/\s+/).filter(Boolean);
}

// transition runs fn with args' transition classes on el, which stay for
// args' time, and then runs after: at once when there is no time.
function transition(el, a, fn, after) {
  const t = words(a.transition);
  const r = record(el);
  t.forEach((n) => {
    el.classList.add(n);
    r.c.set(n, true);
  });
  if (fn) fn();
  const end = () => {
    t.forEach((n) => {
      r.c.delete(n);
      dropClass(el, n);
    });
    if (after) after();
  };
  const ms = a.time == null ? (t.length ? DEFAULT_TIME : 0) : a.time;
  if (ms > 0) setTimeout(end, ms);
  else end();
}

function display(el, v) {
  el.style.display = v;
  record(el).d = v;
}

function show(el, a) {
  transition(el, a, () => display(el, a.display || "block"));
}

function hide(el, a) {
  transition(el, a, null, () => display(el, "none"));
}

function hidden(el) {
  return el.ownerDocument.defaultView.getComputedStyle(el).display === "none";
}

function setAttr(el, n, v) {
  if (v == null) el.removeAttribute(n);
  else el.setAttribute(n, v);
  record(el).a.set(n, v);
}

// warn names el the way a developer finds it in the elements panel.
export function warn(el, msg) {
  console.warn(`templive: ${msg}, on ${describe(el)}`);
}

function describe(el) {
  if (!el || !el.localName) return String(el);
  const cls = el.classList.length ? "." + Array.from(el.classList).join(".") : "";
  return `<${el.localName}${el.id ? "#" + el.id : ""}${cls}>`;
}
