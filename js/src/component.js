// Stateful components: which component an element's events go to.
import { ATTR_COMPONENT, ATTR_TARGET } from "./constants.js";

// targetOf returns the id of the component the events bound on el go to,
// or "" for the view: live-target="cart-1" names one; an empty live-target
// means the component el is in (its closest live-component wrapper).
export function targetOf(el) {
  if (!el || !el.getAttribute) return "";
  const t = el.getAttribute(ATTR_TARGET);
  if (t == null) return "";
  if (t.trim()) return t.trim();
  const c = el.closest(`[${ATTR_COMPONENT}]`);
  const id = c && c.getAttribute("id"); // not c.id: a form's field named id shadows it
  if (id) return id;
  // Sent to the view, which will most likely answer "unknown event".
  console.warn("templive: live-target on an element in no component", el);
  return "";
}
