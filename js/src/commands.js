// JS commands: chains of client-side DOM changes that a live-* binding runs
// instead of, or besides, sending a server event. The server renders a chain
// as JSON data (live/js), [[op, args], ...]; this module interprets it:
// no eval, no inline script, so a strict Content-Security-Policy holds. Op
// names and args keys are constants.js's CMD_* and ARG_*.
//
// Classes, attributes and display set by commands are sticky: patches of the
// same elements keep them (restore runs after every patch of an element).
import * as C from "./constants.js";
import { firstFocusable, popFocus, pushFocus } from "./focus.js";
import { playSound } from "./sound.js";
import { dropClass } from "./classes.js";
import { follow } from "./navigate.js";

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
// event; depth and budget bound exec. No prototype: an op named
// "constructor" must not find Object's.
const OPS = {
  __proto__: null,
  [C.CMD_ADD_CLASS]: classOp(true),
  [C.CMD_REMOVE_CLASS]: classOp(false),
  [C.CMD_TOGGLE_CLASS]: classOp(null),
  [C.CMD_SHOW]: (a, c) => each(a, c, (el) => show(el, a)),
  [C.CMD_HIDE]: (a, c) => each(a, c, (el) => hide(el, a)),
  [C.CMD_TOGGLE]: (a, c) => each(a, c, (el) => (hidden(el) ? show : hide)(el, a)),
  [C.CMD_SET_ATTR]: (a, c) => each(a, c, (el) => setAttr(el, a.attr, String(a.val))),
  [C.CMD_REMOVE_ATTR]: (a, c) => each(a, c, (el) => setAttr(el, a.attr, null)),
  // toggle_attr: val alone toggles presence; val and alt swap values.
  [C.CMD_TOGGLE_ATTR]: (a, c) => typeof a.attr !== "string" || !a.attr ? warn(c.el, "toggle_attr without an attribute") : each(a, c, (el) => {
    const v = a.val == null ? "" : String(a.val);
    const cur = el.getAttribute(a.attr);
    if (a.alt == null) setAttr(el, a.attr, cur == null ? v : null);
    else setAttr(el, a.attr, cur === v ? String(a.alt) : v);
  }),
  [C.CMD_FOCUS]: (a, c) => each(a, c, (el) => el.focus(), true),
  [C.CMD_FOCUS_FIRST]: (a, c) => each(a, c, (el) => {
    const f = firstFocusable(el);
    if (f) f.focus();
    else warn(el, "nothing focusable inside");
  }, true),
  // push_focus remembers the target when the command names one, else the
  // focused element.
  [C.CMD_PUSH_FOCUS]: (a, c) => {
    if (a.to || a.closest || a.inner) each(a, c, pushFocus, true);
    else pushFocus(c.el.ownerDocument.activeElement);
  },
  [C.CMD_POP_FOCUS]: (a, c) => popFocus(c.el.ownerDocument),
  [C.CMD_DISPATCH]: (a, c) => each(a, c, (el) => {
    const W = el.ownerDocument.defaultView;
    el.dispatchEvent(new W.CustomEvent(a.event, { bubbles: true, detail: a.value || {} }));
  }),
  [C.CMD_SEND]: (a, c) => {
    if (!a.event || typeof a.event !== "string") return warn(c.el, "send without an event");
    if (!c.push) return warn(c.el, `nowhere to send "${a.event}"`);
    // Event values travel as strings.
    const v = {};
    for (const k in a.value) v[k] = String(a.value[k]);
    c.push(a.event, v);
  },
  // play_sound plays a sound declared by a live-sounds container of the
  // element's live root (sound.js).
  [C.CMD_PLAY_SOUND]: (a, c) => playSound(c.el.closest(`[${C.ATTR_ROOT}]`) || c.el.ownerDocument.body, a.sound, a),
  // patch and navigate go where a live-patch or live-navigate link would.
  [C.CMD_PATCH]: (a, c) => goTo(c.el, "patch", a),
  [C.CMD_NAVIGATE]: (a, c) => goTo(c.el, "navigate", a),
  [C.CMD_EXEC]: (a, c) => {
    if (c.depth >= MAX_DEPTH) return warn(c.el, "exec nested too deep");
    each(a, c, (el) => {
      const v = el.getAttribute(a.attr);
      if (v == null) warn(el, `no attribute ${a.attr} to exec`);
      else execute(v, el, c.push, c.depth + 1, c.budget);
    });
  },
};

function goTo(el, kind, a) {
  const why = follow(el, kind, a.href, a.replace === true);
  if (why) warn(el, why);
}

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
// args' time, and then runs after: at once when there is no time. phases
// (args.in or args.out), [run, start, end], is a three-phase transition:
// run and start go on before fn, start is swapped for end at once after
// (a forced style flush between makes CSS transition from one to the
// other), and run and end come off at the end.
function transition(el, a, fn, after, phases) {
  const p = Array.isArray(phases) ? phases.map(words) : [[], [], []];
  const t = words(a.transition).concat(p[0] || []);
  const [start = [], end = []] = p.slice(1);
  const r = record(el);
  const on = (ns, v) => ns.forEach((n) => {
    if (v) {
      el.classList.add(n);
      r.c.set(n, true);
    } else {
      dropClass(el, n);
      r.c.delete(n);
    }
  });
  on(t.concat(start), true);
  if (fn) fn();
  if (start.length || end.length) {
    void el.offsetWidth;
    on(start, false);
    on(end, true);
  }
  let ended = false;
  const done = (skip) => {
    if (ended) return;
    ended = true;
    on(t.concat(end), false);
    if (after && !skip) after();
  };
  const ms = a.time == null ? (t.length + end.length ? DEFAULT_TIME : 0) : a.time;
  if (!(ms > 0)) return done();
  const id = setTimeout(done, ms);
  // cancel ends the transition now, without its after.
  return () => {
    clearTimeout(id);
    done(true);
  };
}

function display(el, v) {
  el.style.display = v;
  record(el).d = v;
}

// show and hide cancel a hide still waiting for its transition: a dialog
// opened again while it fades out stays open.
function show(el, a) {
  settle(el);
  transition(el, a, () => display(el, a.display || "block"), null, a.in);
}

function hide(el, a) {
  settle(el);
  record(el).h = transition(el, a, null, () => display(el, "none"), a.out);
}

function settle(el) {
  const r = record(el);
  if (r.h) r.h();
  r.h = null;
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
  return `<${el.localName}${el.getAttribute("id") ? "#" + el.getAttribute("id") : ""}${cls}>`;
}
