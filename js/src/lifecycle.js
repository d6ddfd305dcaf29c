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
// down() for the connection, added(el) and removing(el) for patch hooks,
// flush() after each frame's patch. push is the page's push(name, values,
// el, loadingClass, held). live-mounted chains wait for flush, so that
// they see the whole patch and their focus changes are not undone by the
// patch keeping the focused field's focus.
export function lifecycle(root, push) {
  let fresh = [];
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
    added: (el) => el.hasAttribute(ATTR_MOUNTED) && fresh.push(el),
    removing: (el) => run(el, ATTR_REMOVE),
    flush() {
      const els = fresh;
      fresh = [];
      els.forEach((el) => el.isConnected && run(el, ATTR_MOUNTED));
    },
  };
}
