// DOM events to live events: listeners delegated on the root, driven by a
// table of bindings so that new ones (keys, focus, window events, debounce)
// are new rows, not new code paths.
import {
  ATTR_CHANGE,
  ATTR_CLICK,
  ATTR_ROOT,
  ATTR_SUBMIT,
  ATTR_VALUE_PREFIX,
  CLASS_CHANGE_LOADING,
  CLASS_CLICK_LOADING,
  CLASS_SUBMIT_LOADING,
  VALUE_TARGET,
} from "./constants.js";
import { formValues } from "./forms.js";

// A binding is [DOM event, attribute naming the live event, loading class,
// find(root, event, attribute) -> element or null, values(element, event,
// state) -> values object, or null to send nothing]. state is per root.
const BINDINGS = [
  ["click", ATTR_CLICK, CLASS_CLICK_LOADING, closestWith, attrValues],
  ["submit", ATTR_SUBMIT, CLASS_SUBMIT_LOADING, closestWith, submitValues],
  ["input", ATTR_CHANGE, CLASS_CHANGE_LOADING, fieldForm, changeValues],
  ["change", ATTR_CHANGE, CLASS_CHANGE_LOADING, fieldForm, changeValues],
];

// bindEvents listens on root and calls push(name, values, element,
// loadingClass) for each live event; it returns a function that removes the
// listeners.
export function bindEvents(root, push) {
  const state = { sent: new WeakMap() };
  const off = BINDINGS.map(([type, attr, cls, find, values]) => {
    const listener = (e) => {
      const el = find(root, e, attr);
      if (!el) return;
      const v = values(el, e, state);
      if (v) push(el.getAttribute(attr), v, el, cls);
    };
    root.addEventListener(type, listener);
    return () => root.removeEventListener(type, listener);
  });
  return () => off.forEach((f) => f());
}

// ownedBy tells whether el belongs to root and not to a root nested in it.
function ownedBy(root, el) {
  return el.closest(`[${ATTR_ROOT}]`) === root;
}

function closestWith(root, e, attr) {
  const t = e.target;
  const el = t.closest && t.closest(`[${attr}]`);
  return el && ownedBy(root, el) ? el : null;
}

// fieldForm finds the form, with the attribute, that the event's field
// belongs to (form= included).
function fieldForm(root, e, attr) {
  const f = e.target.form;
  return f && f.hasAttribute(attr) && ownedBy(root, f) ? f : null;
}

// attrValues collects live-value-* attributes: live-value-n="3" gives {n: "3"}.
export function attrValues(el) {
  const out = {};
  for (const a of el.attributes) {
    if (a.name.startsWith(ATTR_VALUE_PREFIX)) out[a.name.slice(ATTR_VALUE_PREFIX.length)] = a.value;
  }
  return out;
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
  if (e.target.name) v[VALUE_TARGET] = e.target.name;
  const key = JSON.stringify(v);
  if (e.type === "change" && state.sent.get(form) === key) return null;
  state.sent.set(form, key);
  return v;
}
