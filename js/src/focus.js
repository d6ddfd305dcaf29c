// Focus management for JS commands and dialogs: the page's focus stack
// (push_focus, pop_focus), the first focusable element of a container
// (focus_first), and live-focus-wrap containers, in which Tab and Shift+Tab
// cycle instead of leaving (a modal's focus trap).
import { ATTR_FOCUS_WRAP, ATTR_ROOT } from "./constants.js";

const FOCUSABLE =
  'a[href],area[href],button,input:not([type="hidden"]),select,textarea,iframe,summary,[tabindex],[contenteditable=""],[contenteditable="true"]';

// stacks maps a document to the elements push_focus remembered, last on top.
const stacks = new WeakMap();

// focusables lists the elements of box that Tab reaches, in document order:
// not disabled, not tabindex < 0, not inert, not hidden.
export function focusables(box) {
  const seen = new Map(); // element -> shown, shared by the candidates' ancestors
  return Array.from(box.querySelectorAll(FOCUSABLE)).filter((el) => usable(el, box, seen));
}

function usable(el, box, seen) {
  const t = el.getAttribute("tabindex");
  if (el.disabled || el.closest("fieldset[disabled],[inert]") || (t != null && Number(t) < 0)) return false;
  return shown(el, box, seen);
}

function shown(n, box, seen) {
  if (!n || n === box.parentNode || n.nodeType !== 1) return true;
  if (seen.has(n)) return seen.get(n);
  const s = n.ownerDocument.defaultView.getComputedStyle(n);
  const v = !n.hidden && s.display !== "none" && s.visibility !== "hidden" && shown(n.parentElement, box, seen);
  seen.set(n, v);
  return v;
}

export function firstFocusable(box) {
  return focusables(box)[0] || null;
}

export function pushFocus(el) {
  if (!el || el.nodeType !== 1) return;
  const doc = el.ownerDocument;
  if (!stacks.has(doc)) stacks.set(doc, []);
  stacks.get(doc).push(el);
}

// popFocus focuses the last remembered element still in the page.
export function popFocus(doc) {
  const s = stacks.get(doc) || [];
  while (s.length) {
    const el = s.pop();
    if (el.isConnected) return el.focus();
  }
}

// bindFocusWrap makes Tab and Shift+Tab cycle inside the live-focus-wrap
// container that holds the focus, within root. It returns a function that
// removes the listener.
export function bindFocusWrap(root) {
  const onKey = (e) => {
    if (e.key !== "Tab" || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const box = e.target.closest && e.target.closest(`[${ATTR_FOCUS_WRAP}]`);
    if (!box || box.closest(`[${ATTR_ROOT}]`) !== root) return;
    const list = focusables(box);
    const i = list.indexOf(e.target);
    const next = !list.length ? null
      : e.shiftKey ? (i <= 0 ? list[list.length - 1] : null)
      : (i < 0 || i === list.length - 1 ? list[0] : null);
    // Inside the list the browser's own order is the container's.
    if (next || !list.length) {
      e.preventDefault();
      if (next) next.focus();
    }
  };
  root.addEventListener("keydown", onKey);
  return () => root.removeEventListener("keydown", onKey);
}
