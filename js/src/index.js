// The client's entry: connect every live root of the page.
import { ATTR_ROOT } from "./constants.js";
import { bindEvents } from "./events.js";
import { connect } from "./socket.js";

const VERSION = "0.1.0";

function start() {
  document.querySelectorAll(`[${ATTR_ROOT}]`).forEach((root) => {
    const page = connect(root);
    bindEvents(root, page.push);
    window.templive.pages.push(page);
  });
}

// window.templive is for debugging and tests only; it is not an API yet.
// A second copy of the script on the same page does nothing.
if (!window.templive) {
  window.templive = { version: VERSION, pages: [] };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
