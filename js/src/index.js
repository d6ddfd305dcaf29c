// The client's entry: connect every live root of the page.
import { ATTR_ROOT, PUSH_RESERVED, PUSH_SOUND } from "./constants.js";
import { bindEvents } from "./events.js";
import { defineLogs } from "./console.js";
import { bindFocusWrap } from "./focus.js";
import { lifecycle } from "./lifecycle.js";
import { hooks } from "./hooks.js";
import { navigation } from "./navigate.js";
import { connect } from "./socket.js";
import { playSound, syncSounds } from "./sound.js";
import { viewport } from "./stream.js";
import { bindUploads } from "./upload.js";

const VERSION = "0.1.0";

function start() {
  document.querySelectorAll(`[${ATTR_ROOT}]`).forEach((root, i) => {
    // Development warnings (pushes no hook handles) on loopback only.
    const dev = /^(localhost|127\.|\[::1\]$)/.test(location.hostname);
    const life = hooks(root, (...a) => page.push(...a), dev);
    let watch = null; // viewport(), once the page exists
    let uploads = null; // bound once the page exists
    const chains = lifecycle(root, (...a) => page.push(...a));
    const page = connect(root, {
      on: {
        ...life,
        up(again) {
          life.up(again);
          chains.up();
          if (uploads) uploads.up();
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
          if (watch) watch(); // the items at a stream's edges may have changed
          if (uploads) uploads.after();
        },
        ack(frame) {
          if (uploads) uploads.ack(frame);
        },
        push(name, payload) {
          if (nav && nav.push(name, payload)) return;
          if (name === PUSH_SOUND) playSound(root, payload.name, payload);
          else if (!name.startsWith(PUSH_RESERVED)) life.push(name, payload);
        },
      },
    });
    // The document has one location: the first root drives it.
    const nav = i === 0 ? navigation(root, page) : null;
    syncSounds(root); // preload
    bindEvents(root, page.push);
    watch = viewport(root, page.push);
    uploads = bindUploads(root, page);
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
