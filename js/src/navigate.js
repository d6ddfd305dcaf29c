// Live navigation: live-patch and live-navigate links, back and forward,
// scroll restoration, the page's title, flash messages and the
// page-loading events. Links stay plain links: a click with a modifier key,
// with another button, or to another origin is the browser's.
import {
  ATTR_FLASH,
  ATTR_NAVIGATE,
  ATTR_PATCH,
  ATTR_ROOT,
  ATTR_TOKEN,
  EVENT_LOADING_START,
  EVENT_LOADING_STOP,
  NAV_CLEAR_FLASH,
  NAV_PATCH,
  PUSH_NAVIGATE,
  PUSH_PATCH,
  PUSH_TITLE,
  VALUE_KIND,
  VALUE_URL,
} from "./constants.js";

// goers maps the live root that drives its document's location to the go
// of its navigation, for the patch and navigate JS commands (follow).
const goers = new WeakMap();

// follow goes to href from el as a live-patch (kind "patch") or
// live-navigate link to it in el's live root would, through the same code;
// replace replaces the history entry instead of adding one. It returns why
// it refused, or "" when it went. A URL that is not on the page's origin
// (another site, javascript:, data:) is refused, so that a chain built from
// data cannot leave the site or run script. In a root that does not drive
// the location (the page's second), the URL is loaded in full, as a link
// of that root is.
export function follow(el, kind, href, replace) {
  const loc = el.ownerDocument.defaultView.location;
  if (typeof href !== "string" || !href) return `${kind} without a URL`;
  let u;
  try {
    u = new URL(href, loc.href);
  } catch (_) {
    return `${kind} to a malformed URL ${JSON.stringify(href)}`;
  }
  if (u.origin !== loc.origin || !/^https?:$/.test(u.protocol)) {
    return `${kind} to ${JSON.stringify(href)} refused: not on this site (${loc.origin})`;
  }
  const go = goers.get(el.closest(`[${ATTR_ROOT}]`));
  if (go) go(u, kind, !replace);
  else if (replace) loc.replace(u.href);
  else loc.assign(u.href);
  return "";
}

// navigation drives the document's location from page (connect's result)
// of root. It returns {push(name, payload)}: true when it handled a pushed
// event (a patch, a navigation, a title), and stop(). win defaults to
// root's window (tests pass their own).
export function navigation(root, page, win = root.ownerDocument.defaultView) {
  const doc = root.ownerDocument;
  const hist = win.history;
  const loc = win.location;
  let path = loc.pathname; // the path of the view the page shows
  let at = here(); // the URL shown, without its fragment
  let seq = 0; // the newest navigation: an older one's late answer is dropped
  try {
    hist.scrollRestoration = "manual"; // restored here, once the view has answered
  } catch (_) {
    // Not settable in some embedded browsers: the browser restores it then.
  }

  function here() {
    return loc.pathname + loc.search;
  }

  function loading(start, kind, to) {
    win.dispatchEvent(new win.CustomEvent(start ? EVENT_LOADING_START : EVENT_LOADING_STOP, { detail: { kind, to } }));
  }

  // remember puts the scroll position in the current history entry, so
  // back and forward can restore it.
  function remember() {
    try {
      hist.replaceState(Object.assign({}, hist.state, { scroll: [win.scrollX, win.scrollY] }), "", loc.href);
    } catch (_) {
      // A sandboxed document may refuse: no restoration then.
    }
  }

  function pushEntry(href) {
    remember();
    hist.pushState({ templive: 1 }, "", href);
    at = here();
  }

  function scroll(to) {
    if (to) win.scrollTo(to[0], to[1]);
  }

  // patch sends the view the URL u (a URL object); push adds it to history.
  function patch(u, push, restore) {
    const href = u.pathname + u.search + u.hash;
    if (push) pushEntry(href);
    else if (href !== loc.pathname + loc.search + loc.hash) hist.replaceState(hist.state, "", href); // js.Replace
    at = here();
    loading(true, "patch", href);
    page.push(NAV_PATCH, { [VALUE_URL]: href }, null, null, null, () => {
      loading(false, "patch", href);
      scroll(restore);
    });
  }

  // navigate asks the server for u over HTTP, as a browser would (the app's
  // middleware runs, redirects are followed), and joins the view the
  // answer holds over the open connection. Anything else than a live page
  // (another site, an error, a redirect elsewhere) is loaded in full.
  async function navigate(u, push, restore) {
    const n = ++seq;
    const full = () => (push ? loc.assign(u.href) : loc.replace(u.href));
    if (u.origin !== loc.origin) return full();
    loading(true, "navigate", u.href);
    let res, text;
    try {
      res = await win.fetch(u.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      text = await res.text();
    } catch (_) {
      return full();
    }
    if (n !== seq) return loading(false, "navigate", u.href); // a newer navigation took over
    const final = new URL(res.url || u.href);
    const next = new win.DOMParser().parseFromString(text, "text/html");
    const nroot = next.querySelector(`[${ATTR_ROOT}]`);
    if (!res.ok || !nroot || final.origin !== loc.origin) {
      loading(false, "navigate", u.href);
      return push ? loc.assign(final.href) : loc.replace(final.href);
    }
    const href = final.pathname + final.search + (final.hash || u.hash);
    if (push) pushEntry(href);
    else if (href !== loc.pathname + loc.search + loc.hash) hist.replaceState(hist.state, "", href);
    at = here();
    path = final.pathname;
    if (next.title) doc.title = next.title;
    page.navigate(nroot.getAttribute(ATTR_TOKEN), nroot.innerHTML, () => {
      loading(false, "navigate", href);
      scroll(restore || (push ? [0, 0] : null));
    });
  }

  // go follows u: a patch when it names the view's path, else a navigation.
  function go(u, kind, push, restore) {
    if (kind === "patch" && u.origin === loc.origin && u.pathname === path) patch(u, push, restore);
    else navigate(u, push, restore);
  }

  function onClick(e) {
    const t = e.target;
    if (!t.closest) return;
    const f = t.closest(`[${ATTR_FLASH}]`);
    if (f && f.closest(`[${ATTR_ROOT}]`) === root) {
      page.push(NAV_CLEAR_FLASH, { [VALUE_KIND]: f.getAttribute(ATTR_FLASH) });
    }
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = t.closest("a[href]");
    if (!a || a.closest(`[${ATTR_ROOT}]`) !== root || a.hasAttribute("download")) return;
    if (a.target && a.target !== "_self") return;
    const kind = a.hasAttribute(ATTR_PATCH) ? "patch" : a.hasAttribute(ATTR_NAVIGATE) ? "navigate" : null;
    if (!kind) return;
    const u = new URL(a.getAttribute("href"), loc.href);
    if (u.origin !== loc.origin) return;
    e.preventDefault();
    go(u, kind, true);
  }

  function onPop(e) {
    if (here() === at) return; // a fragment only: the browser's
    const restore = e.state && e.state.scroll;
    go(new URL(loc.href), "patch", false, restore);
  }

  root.addEventListener("click", onClick);
  win.addEventListener("popstate", onPop);
  goers.set(root, go);
  // Restoration is manual for every load of this document, a reload and a
  // return from another site included: keep the position when leaving, and
  // put it back on arrival (the GET's HTML is the page already).
  win.addEventListener("pagehide", remember);
  if (hist.state && hist.state.scroll) scroll(hist.state.scroll);

  return {
    push(name, payload) {
      if (name === PUSH_TITLE) {
        doc.title = String(payload);
      } else if (name === PUSH_PATCH) {
        // The view has the URL already: only the address bar follows.
        const u = new URL(String(payload), loc.href);
        if (u.pathname + u.search !== here()) pushEntry(u.pathname + u.search + u.hash);
      } else if (name === PUSH_NAVIGATE) {
        navigate(new URL(String(payload), loc.href), true);
      } else {
        return false;
      }
      return true;
    },
    stop() {
      root.removeEventListener("click", onClick);
      win.removeEventListener("popstate", onPop);
      win.removeEventListener("pagehide", remember);
      goers.delete(root);
    },
  };
}
