// Command chains bound to an element's life and the connection's:
// live-mounted runs when the element appears (on page load, or added by a
// patch), live-remove just before a patch removes it, live-connected and
// live-disconnected when the connection joins and when it drops. A chain's
// send ops send events with the element's live-value-* values, as a click
// binding's would.
import { ATTR_CONNECTED, ATTR_DISCONNECTED, ATTR_MOUNTED, ATTR_REMOVE, ATTR_ROOT } from "./constants.js";
import { execute } from "./commands.js";
import { attrValues } from "./events.js";

// lifecycle returns the runners for root: start() at page load, up() and
// down() for the connection, added(el) and removing(el) for patch hooks.
// push is the page's push(name, values, el, loadingClass, held).
export function lifecycle(root, push) {
  const run = (el, attr) => {
    const v = el.getAttribute(attr);
    if (!v || el.closest(`[${ATTR_ROOT}]`) !== root) return;
    execute(v, el, (name, extra) => push(name, Object.assign(attrValues(el), extra), el, null, null));
  };
  const all = (attr) => root.querySelectorAll(`[${attr}]`).forEach((el) => run(el, attr));
  return {
    start: () => all(ATTR_MOUNTED),
    up: () => all(ATTR_CONNECTED),
    down: () => all(ATTR_DISCONNECTED),
    added: (el) => run(el, ATTR_MOUNTED),
    removing: (el) => run(el, ATTR_REMOVE),
  };
}
