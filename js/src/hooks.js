// Client hooks: live-hook="Name" attaches the app's hook object
// window.templiveHooks.Name to an element, with lifecycle callbacks and a
// line to the server, and pushed events reach the hooks that handle them.
//
// An app registers its hooks in a script file of its own, loaded before the
// client (a strict Content-Security-Policy holds):
//
//   window.templiveHooks = {
//     Chart: {
//       mounted() {
//         this.handleEvent("points", (p) => draw(this.el, p));
//         this.pushEvent("ready", { w: this.el.clientWidth }).then((reply) => ...);
//       },
//       destroyed() { ... },
//     },
//   };
//
// Each element gets its own instance, an object whose prototype is the
// app's, with el, pushEvent(name, payload) (a promise of the server's Reply)
// and handleEvent(name, callback) (returns a function that stops it).
import { ATTR_HOOK, ATTR_ROOT, EVENT_PREFIX, OP_MORPH, OP_REMOVE } from "./constants.js";

// hooks returns the lifecycle of root's hooks for connect's `on` option:
//   up(again): the connection joined; again when it is not the first time
//   down(): the joined connection dropped
//   before(ops), after(): around the application of each frame's ops
//   push(name, payload): a pushed event, for the hooks and window
// send is the page's push(name, values, el, cls, held, done); dev turns on
// development warnings.
export function hooks(root, send, dev) {
  const doc = root.ownerDocument;
  const win = doc.defaultView;
  const live = new Map(); // element -> {name, h}
  const handlers = new Map(); // event name -> Set of [h, callback]
  let touched = [];

  const each = (fn) => live.forEach((x) => fn(x.h));
  const call = (h, cb, arg) => {
    try {
      if (typeof h[cb] === "function") h[cb](arg);
    } catch (err) {
      console.error(`templive: hook ${h.el.getAttribute(ATTR_HOOK)}: ${cb} failed`, err);
    }
  };

  function mount(el, name) {
    const defs = win.templiveHooks;
    const def = defs && Object.prototype.hasOwnProperty.call(defs, name) ? defs[name] : null;
    if (!def) console.warn(`templive: no hook "${name}" in window.templiveHooks (${ATTR_HOOK} on`, el, ")");
    const h = Object.create(def || null);
    h.el = el;
    h.pushEvent = (event, payload = {}) =>
      new Promise((resolve, reject) => {
        const bad = Object.keys(payload).find((k) => !flat(payload[k]));
        if (bad) {
          return reject(new Error(`templive: pushEvent "${event}": value "${bad}" must be a string, number, boolean, null or an array of them`));
        }
        send(event, payload, el, null, null, (err, reply) => (err ? reject(new Error(err)) : resolve(reply)));
      });
    h.handleEvent = (event, cb) => {
      const entry = [h, cb];
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event).add(entry);
      return () => handlers.get(event).delete(entry);
    };
    live.set(el, { name, h });
    call(h, "mounted");
  }

  function destroy(el) {
    const { h } = live.get(el);
    live.delete(el);
    handlers.forEach((set) => set.forEach((e) => e[0] === h && set.delete(e)));
    call(h, "destroyed");
  }

  // sync destroys the hooks whose element left root (or changed its hook)
  // and mounts the new ones.
  function sync() {
    live.forEach((x, el) => {
      if (!root.contains(el) || el.getAttribute(ATTR_HOOK) !== x.name) destroy(el);
    });
    root.querySelectorAll(`[${ATTR_HOOK}]`).forEach((el) => {
      if (!live.has(el) && el.closest(`[${ATTR_ROOT}]`) === root) mount(el, el.getAttribute(ATTR_HOOK));
    });
  }

  // locate finds the node an op addresses, or null: the patch itself finds
  // out about drift.
  function locate([, target, path]) {
    let n = target ? doc.getElementById(target) : root;
    for (const i of path || []) n = n && (n.content || n).childNodes[i];
    return n || null;
  }

  return {
    up(again) {
      if (again) each((h) => call(h, "reconnected"));
      sync();
    },
    down() {
      each((h) => call(h, "disconnected"));
    },
    // A hooked element is updated by an op on itself or inside it, or by a
    // morph of an ancestor.
    before(ops) {
      touched = [];
      if (!live.size) return;
      const nodes = ops.map((op) => [op[0], locate(op)]).filter((x) => x[1]);
      live.forEach((x, el) => {
        if (nodes.some(([k, n]) => (k === OP_REMOVE ? n !== el && el.contains(n) : el.contains(n) || (k === OP_MORPH && n.contains(el))))) {
          touched.push(el);
          call(x.h, "beforeUpdate");
        }
      });
    },
    after() {
      sync();
      touched.forEach((el) => live.has(el) && call(live.get(el).h, "updated"));
      touched = [];
    },
    push(name, payload) {
      const set = handlers.get(name);
      if (set && set.size) {
        set.forEach(([h, cb]) => {
          try {
            cb.call(h, payload);
          } catch (err) {
            console.error(`templive: hook ${h.el.getAttribute(ATTR_HOOK)}: handler of "${name}" failed`, err);
          }
        });
      } else if (dev) console.warn(`templive: pushed event "${name}" has no hook handling it (handleEvent); ignored`);
      win.dispatchEvent(new win.CustomEvent(EVENT_PREFIX + name, { detail: payload }));
    },
  };
}

// flat tells whether v can be an event value: the server takes strings,
// numbers, booleans and null, alone or in an array.
function flat(v) {
  const scalar = (x) => x === null || typeof x !== "object";
  return scalar(v) || (Array.isArray(v) && v.every(scalar));
}
