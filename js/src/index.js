// The client's entry: connect every live root of the page.
import { ATTR_ROOT, PUSH_RESERVED, PUSH_SOUND } from "./constants.js";
import { bindEvents } from "./events.js";
import { defineLogs } from "./console.js";
import { bindFocusWrap } from "./focus.js";
import { lifecycle } from "./lifecycle.js";
import { hooks } from "./hooks.js";
import { connect } from "./socket.js";
import { playSound, syncSounds } from "./sound.js";

const VERSION = "0.1.0";

function start() {
  document.querySelectorAll(`[${ATTR_ROOT}]`).forEach((root) => {
    // Development warnings (pushes no hook handles) on loopback only.
    const dev = /^(localhost|127\.|\[::1\]$)/.test(location.hostname);
    const life = hooks(root, (...a) => page.push(...a), dev);
    const chains = lifecycle(root, (...a) => page.push(...a));
    const page = connect(root, {
      on: {
        ...life,
        up(again) {
          life.up(again);
          chains.up();
        },
        down() {
          life.down();
          chains.down();
        },
        added: chains.added,
        removing: chains.removing,
        after() {
          chains.flush();
          life.after();
          syncSounds(root);
        },
        push(name, payload) {
          if (name === PUSH_SOUND) playSound(root, payload.name, payload);
          else if (!name.startsWith(PUSH_RESERVED)) life.push(name, payload);
        },
      },
    });
    syncSounds(root); // preload
    bindEvents(root, page.push);
    bindFocusWrap(root);
    chains.start();
    window.templive.pages.push(page);
  });
}

// window.templive is for debugging and tests only; it is not an API yet.
// A second copy of the script on the same page does nothing.
if (!window.templive) {
  window.templive = { version: VERSION, pages: [] };
  defineLogs(window.templive); // templive.logs = "tab" | "all": which server logs to print
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
