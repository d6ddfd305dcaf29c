// Leaving the page: a redirect the server asks for, and a join the server
// refuses for good.
import { CLASS_CONNECTED, CLASS_DISCONNECTED, CLASS_ERROR, CLASS_LOADING } from "./constants.js";

// follow stops the connection and loads url, a redirect frame's target
// ([4, reason, url]): a path or an http(s) URL. Anything else (a
// javascript: URL) is refused, so a frame can never run script.
export function follow(url, loc, stop) {
  stop();
  let u = null;
  try {
    u = new URL(url, loc.href);
  } catch (_) {
    // Not a URL: refused below.
  }
  if (!u || (u.protocol !== "http:" && u.protocol !== "https:")) {
    return console.error(`templive: redirect to ${JSON.stringify(url)} refused: not an http(s) URL`);
  }
  loc.assign(u.href);
}

// refused handles the close of a connection whose join was not answered:
// if the server refused the join (1008, policy violation: a malformed join,
// a hook that forbids the page), the page stops, shows live-error and says
// why in the console, and refused returns true. Retrying would be refused
// the same way, forever.
export function refused(e, stop, state) {
  if (!e || e.code !== 1008) return false;
  stop();
  state(CLASS_ERROR, CLASS_LOADING, CLASS_CONNECTED, CLASS_DISCONNECTED);
  console.error(`templive: the server refused the live connection${e.reason ? `: ${e.reason}` : ""}; not reconnecting (reload the page to try again)`);
  return true;
}
