// Patch application: the server's ops (docs/protocol.md, "Patch ops") become
// DOM changes. This is the only module that imports morphdom.
//
// Text travels as text: ops 0, 4 and 5 and attribute values are set through
// data and setAttribute, never parsed. Only ops 3 and 9 carry HTML, and it is
// parsed by innerHTML on a detached element, which never runs scripts.
import morphdom from "morphdom";
import {
  ATTR_IGNORE,
  ATTR_IGNORE_ATTRIBUTES,
  NS_MATH,
  NS_SVG,
  NS_XLINK,
  NS_XML,
  NS_XMLNS,
  OP_ATTR,
  OP_INSERT,
  OP_INSERT_COMMENT,
  OP_INSERT_ELEMENT,
  OP_INSERT_TEXT,
  OP_MORPH,
  OP_MOVE,
  OP_REMOVE,
  OP_STREAM,
  OP_TEXT,
  OP_UNATTR,
} from "./constants.js";
import { applyBatch, batchOf, streamMode, validBatch } from "./stream.js";

const XHTML = "http://www.w3.org/1999/xhtml";
// Lookup tables without a prototype: an attribute named "constructor" must
// not find Object's.
const ELEMENT_NS = {
  __proto__: null,
  [NS_SVG]: "http://www.w3.org/2000/svg",
  [NS_MATH]: "http://www.w3.org/1998/Math/MathML",
};
const ATTR_NS = {
  __proto__: null,
  [NS_XLINK]: "http://www.w3.org/1999/xlink",
  [NS_XML]: "http://www.w3.org/XML/1998/namespace",
  [NS_XMLNS]: "http://www.w3.org/2000/xmlns/",
};
// The attributes that the HTML parser puts in a namespace on SVG and MathML
// elements ("adjust foreign attributes" in the HTML standard).
const FOREIGN_ATTR = /^(xlink:(actuate|arcrole|href|role|show|title|type)|xml:(lang|space)|xmlns(:xlink)?)$/;

// Input types whose value attribute is their value (no separate dirty value).
const ATTR_VALUED = /^(checkbox|radio|hidden|submit|reset|button|image|file)$/;

// SKIP marks an op that addresses a live-ignore subtree: the client owns it,
// so the op is dropped, not treated as drift.
const SKIP = {};

// DriftError means the page's DOM is not what the server's ops expect: the
// caller stops applying the frame and asks the server for a resync.
export class DriftError extends Error {
  constructor(message, op) {
    super(message);
    this.name = "DriftError";
    this.op = op;
  }
}

// applyOps applies ops, in order, to the live root. hooks (optional) lets
// other features follow or veto changes without touching this module:
//   beforeUpdate(from, to): before morph updates element from to match to;
//     return false to leave from and its subtree alone.
//   updated(el): after el's attributes or children were changed by an op or
//     a morph (JS commands re-apply sticky classes here).
//   added(el): after el was added to the page (for each added element).
//   removing(el): before el is removed (for each element to be removed).
//   discarded(el): after el was removed (for each removed element).
// An element's live-ignore-attributes="open style" keeps those attributes
// as the page has them, whatever the ops say.
// It throws DriftError when a target or path does not resolve or names a node
// of the wrong type; ops before it stay applied. The focused field keeps its
// value, caret and focus whatever the ops do.
export function applyOps(root, ops, hooks = {}) {
  keepFocus(root, () => {
    for (const op of ops) applyOp(root, op, hooks);
  });
}

function applyOp(root, op, hooks) {
  const [kind, target, path] = op;
  const drift = (why) => new DriftError(`templive: drift: ${why}`, op);
  let n = resolve(root, target, path, drift);
  if (n === SKIP) return;
  const el = () => {
    if (n.nodeType !== 1) throw drift("not element");
    if (n !== root && n.hasAttribute(ATTR_IGNORE)) return null;
    return n;
  };
  const at = (i, len) => {
    if (!Number.isInteger(i) || i < 0 || i > len) throw drift("bad index");
  };
  switch (kind) {
    case OP_TEXT: {
      if (n.nodeType !== 3 && n.nodeType !== 8) throw drift("not text");
      n.data = op[3];
      return touched(n.parentNode, hooks);
    }
    case OP_ATTR:
    case OP_UNATTR: {
      if (!(n = el())) return;
      if (n === root) throw drift("root attribute");
      if (ignoredAttrs(n).includes(op[3])) return;
      if (kind === OP_ATTR) setAttr(n, op[3], op[4]);
      else unsetAttr(n, op[3]);
      return touched(n, hooks);
    }
    case OP_INSERT:
    case OP_INSERT_TEXT:
    case OP_INSERT_COMMENT:
    case OP_INSERT_ELEMENT: {
      if (!(n = el())) return;
      const box = kids(n);
      const i = op[3];
      at(i, box.childNodes.length);
      const doc = n.ownerDocument;
      const nodes =
        kind === OP_INSERT ? Array.from(kids(parse(n, op[4])).childNodes)
        : kind === OP_INSERT_TEXT ? [doc.createTextNode(op[4])]
        : kind === OP_INSERT_COMMENT ? [doc.createComment(op[4])]
        : [createElement(doc, op[4], op[5], op[6] || [], drift)];
      const ref = box.childNodes[i] || null;
      for (const c of nodes) {
        box.insertBefore(c, ref);
        added(c, hooks);
      }
      return touched(n, hooks);
    }
    case OP_REMOVE: {
      const parent = n.parentNode;
      if (n === root || !parent) throw drift("remove root");
      removing(n, hooks);
      parent.removeChild(n);
      discarded(n, hooks);
      return touched(parent, hooks);
    }
    case OP_MOVE: {
      if (!(n = el())) return;
      const box = kids(n);
      const len = box.childNodes.length;
      at(op[3], len - 1);
      at(op[4], len - 1);
      const c = box.childNodes[op[3]];
      box.removeChild(c);
      box.insertBefore(c, box.childNodes[op[4]] || null);
      return touched(n, hooks);
    }
    case OP_MORPH:
      return morph(root, n, op[3], hooks);
    case OP_STREAM: {
      if (!(n = el())) return;
      const [, , , reset, limit, deletes, inserts] = op;
      if (!validBatch(reset, limit, deletes, inserts)) throw drift("stream op");
      const items = inserts.map(([id, at, html]) => [id, at, Array.from(kids(parse(n, html)).childNodes)]);
      applyBatch(n, { reset: reset === 1, limit, deletes, items }, itemHooks(hooks));
      return touched(n, hooks);
    }
    default:
      throw drift("op kind");
  }
}

// resolve finds the node an op addresses, SKIP when the way there enters a
// live-ignore subtree, and throws a DriftError when there is no such node.
function resolve(root, target, path, drift) {
  let n = root;
  if (target) {
    n = root.ownerDocument.getElementById(target);
    if (!n || n === root || !root.contains(n)) throw drift("no target");
    for (let a = n.parentNode; a !== root; a = a.parentNode) {
      if (a.nodeType === 1 && a.hasAttribute(ATTR_IGNORE)) return SKIP;
    }
  }
  if (!Array.isArray(path)) throw drift("no path");
  for (const i of path) {
    if (n.nodeType !== 1 && n.nodeType !== 11) throw drift("no path");
    if (n !== root && n.nodeType === 1 && n.hasAttribute(ATTR_IGNORE)) return SKIP;
    n = kids(n).childNodes[i];
    if (!n) throw drift("no path");
  }
  return n;
}

// kids returns where n's children live: a template's are in its content.
function kids(n) {
  return n.content && n.content.nodeType === 11 ? n.content : n;
}

// parse parses html as the children of an element like ctx (same name and
// namespace, so tables, selects and SVG parse as they would in place) and
// returns the detached element holding them.
function parse(ctx, html) {
  const doc = ctx.ownerDocument;
  let ns = ctx.namespaceURI || XHTML;
  let name = ctx.localName || "template";
  // A custom element's constructor must not run for a parsing context.
  if (ns === XHTML && name.includes("-")) name = "div";
  const c = doc.createElementNS(ns, name);
  c.innerHTML = html;
  return c;
}

function createElement(doc, tag, ns, attrs, drift) {
  const uri = ns ? ELEMENT_NS[ns] : XHTML;
  if (!uri) throw drift("namespace");
  const e = doc.createElementNS(uri, tag);
  for (const [name, value, ans] of attrs) {
    if (ans && !ATTR_NS[ans]) throw drift("namespace");
    // [name, value, ns] names the attribute by its local name.
    setAttr(e, ans && name !== ans ? `${ans}:${name}` : name, value);
  }
  return e;
}

function isFocused(el) {
  return el.ownerDocument.activeElement === el;
}

// hasLiveValue tells whether el's value property can differ from its markup
// (an input typed into, a textarea, a select).
function hasLiveValue(el) {
  const t = el.localName;
  return t === "textarea" || t === "select" || (t === "input" && !ATTR_VALUED.test(el.type));
}

// setAttr sets an attribute and, so that a server-side reset shows, the
// property it stands for: value only when the field is not focused (the user
// is typing), checked and selected always.
function setAttr(el, name, value) {
  if (el.namespaceURI !== XHTML && FOREIGN_ATTR.test(name)) {
    el.setAttributeNS(ATTR_NS[name.split(":")[0]], name, value);
  } else {
    el.setAttribute(name, value);
  }
  syncProp(el, name, value, true);
}

function unsetAttr(el, name) {
  el.removeAttribute(name);
  syncProp(el, name, "", false);
}

function syncProp(el, name, value, on) {
  const t = el.localName;
  // A value attribute means something only to an input.
  if (name === "value" && t === "input" && hasLiveValue(el) && !isFocused(el)) el.value = value;
  else if (name === "checked" && t === "input") el.checked = on;
  else if (name === "selected" && t === "option") el.selected = on;
}

// touched runs after an op changed el's attributes or children.
function touched(el, hooks) {
  // A textarea's text is its default value; show a server-side change unless
  // the user is typing in it.
  if (el.localName === "textarea" && !isFocused(el)) el.value = el.textContent;
  if (hooks.updated && el.nodeType === 1) hooks.updated(el);
}

function added(n, hooks) {
  if (hooks.added && n.nodeType === 1) {
    hooks.added(n);
    n.querySelectorAll("*").forEach(hooks.added);
  }
}

function removing(n, hooks) {
  if (hooks.removing && n.nodeType === 1) {
    hooks.removing(n);
    n.querySelectorAll("*").forEach(hooks.removing);
  }
}

// ignoredAttrs lists the attributes el's live-ignore-attributes keeps.
function ignoredAttrs(el) {
  return (el.getAttribute(ATTR_IGNORE_ATTRIBUTES) || "").split(/\s+/).filter(Boolean);
}

function discarded(n, hooks) {
  if (hooks.discarded && n.nodeType === 1) {
    hooks.discarded(n);
    n.querySelectorAll("*").forEach(hooks.discarded);
  }
}

// itemHooks are applyBatch's ways to the DOM: an item already shown is
// morphed into its new version, so it keeps its state.
function itemHooks(hooks) {
  return {
    update: (old, node) => morphdom(old, node, morphOptions(hooks)),
    added: (n) => added(n, hooks),
    discarded: (n) => discarded(n, hooks),
  };
}

// morph turns node into the node(s) html parses to in node's parent; the
// root itself keeps its attributes and only its children are morphed.
function morph(root, node, html, hooks) {
  const opts = morphOptions(hooks);
  if (node === root) {
    morphdom(root, parse(root, html), { ...opts, childrenOnly: true });
    return;
  }
  const parent = node.parentNode;
  const nodes = Array.from(kids(parse(parent, html)).childNodes);
  if (!nodes.length) {
    removing(node, hooks);
    parent.removeChild(node);
    discarded(node, hooks);
    return touched(parent, hooks);
  }
  let last = morphdom(node, nodes[0], opts);
  if (last !== node) {
    // morphdom replaced the node: whole when a text became an element or
    // back, or as a new element holding the old children when the tag changed.
    if (node.nodeType === 1 && last.nodeType === 1) hooks.added && hooks.added(last);
    else added(last, hooks);
  }
  for (const c of nodes.slice(1)) {
    parent.insertBefore(c, last.nextSibling);
    added(c, hooks);
    last = c;
  }
  touched(parent, hooks);
}

// morphOptions are morphdom's options for every morph: live-ignore, the
// hooks, textareas, templates, and stream containers, whose new copy is a
// batch for the items the page has.
function morphOptions(hooks) {
  return {
    // morphdom falls back to node.id, which a form's field named "id"
    // shadows (forms.js): only the attribute keys an element.
    getNodeKey(n) {
      return n.nodeType === 1 ? n.getAttribute("id") || "" : undefined;
    },
    onBeforeElUpdated(from, to) {
      if (from.hasAttribute(ATTR_IGNORE)) return false;
      if (hooks.beforeUpdate && hooks.beforeUpdate(from, to) === false) return false;
      for (const a of ignoredAttrs(from)) {
        const v = from.getAttribute(a);
        if (v == null) to.removeAttribute(a);
        else to.setAttribute(a, v);
      }
      // morphdom updates only a textarea's existing text node: copy the
      // text across, so that a missing or extra node is added or removed.
      if (from.localName === "textarea" && from.textContent !== to.textContent) {
        from.textContent = to.textContent;
      }
      return true;
    },
    onBeforeElChildrenUpdated(from, to) {
      const mode = streamMode(from);
      if (mode && streamMode(to) === mode) {
        applyBatch(from, batchOf(to, mode), itemHooks(hooks));
        return false;
      }
      // morphdom does not look inside a template's content: replace it.
      if (!(from.content && from.content.nodeType === 11)) return true;
      const c = from.content;
      while (c.childNodes.length) c.removeChild(c.childNodes[0]);
      c.appendChild(to.content);
      return false;
    },
    onElUpdated(el) {
      if (hooks.updated) hooks.updated(el);
    },
    onNodeAdded(n) {
      if (hooks.added && n.nodeType === 1) hooks.added(n);
      return n;
    },
    onBeforeNodeDiscarded(n) {
      removing(n, hooks);
      return true;
    },
    onNodeDiscarded(n) {
      if (hooks.discarded && n.nodeType === 1) hooks.discarded(n);
    },
  };
}

// keepFocus runs fn and then gives the focused field back what fn took from
// it: its value and caret (a server patch never overwrites what the user is
// typing) and its focus (moving an element blurs it in browsers).
function keepFocus(root, fn) {
  const a = root.ownerDocument.activeElement;
  if (!a || a === root || !root.contains(a)) return fn();
  const live = hasLiveValue(a);
  const value = live && readValue(a);
  let start, end;
  try {
    start = a.selectionStart;
    end = a.selectionEnd;
  } catch (_) {
    // Inputs of type email, number and others have no selection.
  }
  try {
    return fn();
  } finally {
    // Lost means blurred by a move (the focus fell back to the body), not
    // given to another element on purpose (a live-remove chain's PopFocus).
    const now = a.ownerDocument.activeElement;
    const lost = now !== a && (!now || now === a.ownerDocument.body);
    const changed = live && readValue(a) !== value;
    if (a.isConnected && (lost || changed)) {
      if (lost) a.focus({ preventScroll: true });
      if (changed) writeValue(a, value);
      try {
        if (start != null) a.setSelectionRange(start, end);
      } catch (_) {
        // As above.
      }
    }
  }
}

// readValue and writeValue handle a multiple select as the list of its
// selected options' values.
function readValue(el) {
  if (!isMultiSelect(el)) return el.value;
  return Array.from(el.options).filter((o) => o.selected).map((o) => o.value).join("\n");
}

function writeValue(el, value) {
  if (!isMultiSelect(el)) {
    el.value = value;
    return;
  }
  const chosen = new Set(value ? value.split("\n") : []);
  Array.from(el.options).forEach((o) => (o.selected = chosen.has(o.value)));
}

function isMultiSelect(el) {
  return el.localName === "select" && el.multiple;
}
