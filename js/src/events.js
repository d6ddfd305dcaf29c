// DOM events to live events: listeners delegated on the root, driven by a
// table of bindings so that new ones (keys, focus, window events, debounce)
// are new rows, not new code paths.
import {
  ATTR_BLUR,
  ATTR_CHANGE,
  ATTR_CLICK,
  ATTR_CLICK_AWAY,
  ATTR_CONFIRM,
  ATTR_DISABLE_WITH,
  ATTR_FOCUS,
  ATTR_KEY,
  ATTR_KEYDOWN,
  ATTR_KEYUP,
  ATTR_ROOT,
  ATTR_SUBMIT,
  ATTR_VALUE_PREFIX,
  ATTR_WINDOW_BLUR,
  ATTR_WINDOW_FOCUS,
  ATTR_WINDOW_KEYDOWN,
  ATTR_WINDOW_KEYUP,
  LOADING_SUFFIX,
  VALUE_ALT_KEY,
  VALUE_CTRL_KEY,
  VALUE_KEY,
  VALUE_META_KEY,
  VALUE_SHIFT_KEY,
  VALUE_TARGET,
} from "./constants.js";
import { execute } from "./commands.js";
import { controls, formValues } from "./forms.js";
import { flush, limit } from "./rate.js";

// A binding is [DOM event, attribute naming the live event, find(root,
// event, attribute) -> elements, values(element, event, state) -> values
// object, or null to send nothing, on window]. Window bindings listen in the
// capture phase, so a click-away runs before the click that may open what it
// closes. state is per root. The loading class is the attribute's name and
// "-loading": live-click-loading.
const BINDINGS = [
  ["click", ATTR_CLICK_AWAY, outside, attrValues, 1],
  ["click", ATTR_CLICK, closestWith, attrValues],
  ["submit", ATTR_SUBMIT, closestWith, submitValues],
  ["input", ATTR_CHANGE, fieldForm, changeValues],
  ["change", ATTR_CHANGE, fieldForm, changeValues],
  ["keydown", ATTR_KEYDOWN, closestWith, keyValues],
  ["keyup", ATTR_KEYUP, closestWith, keyValues],
  ["focusin", ATTR_FOCUS, self, attrValues],
  ["focusout", ATTR_BLUR, self, attrValues],
  ["keydown", ATTR_WINDOW_KEYDOWN, all, keyValues, 1],
  ["keyup", ATTR_WINDOW_KEYUP, all, keyValues, 1],
  ["focus", ATTR_WINDOW_FOCUS, windowAll, attrValues, 1],
  ["blur", ATTR_WINDOW_BLUR, windowAll, attrValues, 1],
];

const MODIFIERS = [VALUE_ALT_KEY, VALUE_CTRL_KEY, VALUE_META_KEY, VALUE_SHIFT_KEY];

// bindEvents listens on root (and its window) and, for each live event,
// runs the binding's JS commands, or calls push(name, values, element,
// loadingClass, held) for a plain event name: held keeps live-disable-with
// (see disableWith). It returns a function that removes the listeners.
export function bindEvents(root, push) {
  const win = root.ownerDocument.defaultView;
  const state = { sent: new WeakMap(), rate: new WeakMap() };
  const on = (t, type, fn, capture) => {
    t.addEventListener(type, fn, capture);
    return () => t.removeEventListener(type, fn, capture);
  };
  // A field sends its debounced events when it loses focus, and a form's
  // fields send theirs before the form is submitted.
  const off = [
    on(root, "focusout", (e) => flush(state.rate, e.target)),
    on(root, "submit", (e) => (e.target.localName === "form" ? controls(e.target) : []).forEach((f) => flush(state.rate, f)), true),
  ];
  for (const [type, attr, find, values, w] of BINDINGS) {
    off.push(on(w ? win : root, type, (e) => {
      for (const el of find(root, e, attr)) {
        const v = values(el, e, state);
        // A form's change is limited by the field's own attributes.
        if (v) limit(state.rate, find === fieldForm ? e.target : el, attr, () => trigger(el, attr, v, push));
      }
    }, !!w));
  }
  return () => off.forEach((f) => f());
}

// trigger runs el's binding attr: a JS command chain (its send ops send
// events) or the name of a server event. A click or submit binding of an
// element with live-confirm runs only if the user confirms.
function trigger(el, attr, values, push) {
  const ask = el.getAttribute(ATTR_CONFIRM);
  if (ask != null && (attr === ATTR_CLICK || attr === ATTR_SUBMIT) && !el.ownerDocument.defaultView.confirm(ask)) return;
  const a = (el.getAttribute(attr) || "").trim();
  const send = (name, extra) =>
    push(name, Object.assign({}, values, extra), el, attr + LOADING_SUFFIX, disableWith(el, attr === ATTR_SUBMIT));
  if (a[0] === "[") execute(a, el, send);
  else if (a) send(a);
}

// disableWith swaps the content of el, and of a submitted form's elements,
// that have live-disable-with for that text and disables them while an
// event is in flight. It returns null when there are none, or {hold(node), done()}:
// hold re-applies the swap after a patch changed node (what the patch put
// there is what comes back), done restores.
function disableWith(el, submit) {
  const sel = `[${ATTR_DISABLE_WITH}]`;
  const els = submit ? Array.from(el.querySelectorAll(sel)) : [];
  if (el.matches(sel)) els.push(el);
  if (!els.length) return null;
  const saved = new Map();
  const hold = (n) => els.forEach((b) => {
    if (n && n !== b) return;
    const text = b.getAttribute(ATTR_DISABLE_WITH);
    const s = saved.get(b);
    if (!s || b.textContent !== text) saved.set(b, [Array.from(b.childNodes), s ? s[1] : b.disabled]);
    b.textContent = text;
    b.disabled = true;
  });
  hold();
  return {
    hold,
    done: () => saved.forEach(([kids, disabled], b) => {
      b.textContent = "";
      b.append(...kids);
      b.disabled = disabled;
    }),
  };
}

// ownedBy tells whether el belongs to root and not to a root nested in it.
function ownedBy(root, el) {
  return el.closest(`[${ATTR_ROOT}]`) === root;
}

function closestWith(root, e, attr) {
  const t = e.target;
  const el = t.closest && t.closest(`[${attr}]`);
  return el && ownedBy(root, el) ? [el] : [];
}

// fieldForm finds the form, with the attribute, that the event's field
// belongs to (form= included).
function fieldForm(root, e, attr) {
  const f = e.target.form;
  return f && f.hasAttribute(attr) && ownedBy(root, f) ? [f] : [];
}

// self finds the event's target itself (focus and blur do not bubble).
function self(root, e, attr) {
  const t = e.target;
  return t.nodeType === 1 && t.hasAttribute(attr) && ownedBy(root, t) ? [t] : [];
}

function all(root, e, attr) {
  return Array.from(root.querySelectorAll(`[${attr}]`)).filter((el) => ownedBy(root, el));
}

// windowAll is all for the window's own focus and blur, not its elements'.
function windowAll(root, e, attr) {
  return e.target === e.currentTarget ? all(root, e, attr) : [];
}

// outside finds the visible elements with the attribute that the click
// was not in.
function outside(root, e, attr) {
  return all(root, e, attr).filter((el) =>
    !el.contains(e.target) && el.getClientRects().length &&
    el.ownerDocument.defaultView.getComputedStyle(el).display !== "none");
}

// attrValues collects live-value-* attributes: live-value-n="3" gives {n: "3"}.
export function attrValues(el) {
  const out = {};
  for (const a of el.attributes) {
    if (a.name.startsWith(ATTR_VALUE_PREFIX)) out[a.name.slice(ATTR_VALUE_PREFIX.length)] = a.value;
  }
  return out;
}

// keyValues sends the key and the modifiers held, or nothing when the
// element's live-key names another key (case-insensitively).
function keyValues(el, e) {
  const want = el.getAttribute(ATTR_KEY);
  if (!e.key || (want && want.toLowerCase() !== e.key.toLowerCase())) return null;
  const v = attrValues(el);
  v[VALUE_KEY] = e.key;
  for (const m of MODIFIERS) if (e[m]) v[m] = "true";
  return v;
}

function submitValues(form, e) {
  e.preventDefault();
  return formValues(form, e.submitter);
}

// changeValues sends the whole form and the changed field's name. A change
// event that follows the input event of the same edit carries nothing new
// and is not sent; an input event always is.
function changeValues(form, e, state) {
  const v = formValues(form);
  const name = e.target.getAttribute && e.target.getAttribute("name");
  if (name) v[VALUE_TARGET] = name;
  const key = JSON.stringify(v);
  if (e.type === "change" && state.sent.get(form) === key) return null;
  state.sent.set(form, key);
  return v;
}
