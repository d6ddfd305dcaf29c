import { document, window } from "../testutil/dom.js";
import { FakeWebSocket, fakeLocation, fakeStorage } from "../testutil/fakes.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { navigation } from "../src/navigate.js";
import { connect } from "../src/socket.js";

// fakePage records what navigation asks of the connection.
function fakePage() {
  return {
    pushed: [],
    navigated: [],
    push(name, values, el, cls, held, done) {
      this.pushed.push({ name, values, done });
    },
    navigate(token, html, done) {
      this.navigated.push({ token, html, done });
    },
  };
}

function setup(html) {
  window.history.replaceState(null, "", "https://example.test/app/page?x=1");
  document.body.innerHTML = `<div live-root live-token="tok">${html}</div>`;
  const root = document.body.firstChild;
  const page = fakePage();
  const nav = navigation(root, page, window);
  const loading = [];
  const on = (e) => loading.push(`${e.type.slice(22)} ${e.detail.kind} ${e.detail.to}`);
  window.addEventListener("templive:page-loading-start", on);
  window.addEventListener("templive:page-loading-stop", on);
  const done = () => {
    nav.stop();
    window.removeEventListener("templive:page-loading-start", on);
    window.removeEventListener("templive:page-loading-stop", on);
  };
  return { root, page, nav, loading, done };
}

// click clicks el and reports whether the page prevented the browser's
// default; the document then prevents it anyway, so that happy-dom never
// leaves the test's page.
function click(el, init = {}) {
  const e = new window.MouseEvent("click", { bubbles: true, cancelable: true, button: 0, ...init });
  let prevented = false;
  const stop = (ev) => {
    prevented = ev.defaultPrevented;
    ev.preventDefault();
  };
  document.addEventListener("click", stop);
  el.dispatchEvent(e);
  document.removeEventListener("click", stop);
  return { defaultPrevented: prevented };
}

test("navigate: a live-patch link sends the URL, adds a history entry, and brackets the wait with loading events", () => {
  const { root, page, loading, done } = setup('<a id="p" href="/app/page?x=2" live-patch>p</a>');
  const e = click(root.querySelector("#p"));
  assert.ok(e.defaultPrevented, "the browser does not load the link");
  assert.equal(window.location.pathname + window.location.search, "/app/page?x=2");
  assert.deepEqual(page.pushed.map((p) => [p.name, p.values]), [["live:patch", { u: "/app/page?x=2" }]]);
  assert.deepEqual(loading, ["start patch /app/page?x=2"]);
  page.pushed[0].done();
  assert.deepEqual(loading, ["start patch /app/page?x=2", "stop patch /app/page?x=2"]);
  done();
});

test("navigate: links stay the browser's with a modifier, another button, a target, a download, another origin, or no live attribute", () => {
  const { root, page, done } = setup(
    '<a id="p" href="/app/page?x=2" live-patch>p</a><a id="t" href="/app/page?x=3" live-patch target="_blank">t</a>' +
      '<a id="d" href="/f.txt" live-navigate download>d</a><a id="o" href="https://other.test/x" live-navigate>o</a>' +
      '<a id="n" href="/app/else">plain</a>',
  );
  for (const init of [{ ctrlKey: true }, { metaKey: true }, { shiftKey: true }, { altKey: true }, { button: 1 }]) {
    const e = click(root.querySelector("#p"), init);
    assert.ok(!e.defaultPrevented, JSON.stringify(init));
  }
  for (const id of ["t", "d", "o", "n"]) {
    const e = click(root.querySelector(`#${id}`));
    assert.ok(!e.defaultPrevented, id);
  }
  assert.deepEqual(page.pushed, []);
  assert.equal(window.location.search, "?x=1");
  done();
});

test("navigate: a live-navigate link fetches the page and joins its view, at the URL it was redirected to", async () => {
  const { root, page, loading, done } = setup('<a id="n" href="/app/other" live-navigate>n</a>');
  const fetched = [];
  window.fetch = async (url) => {
    fetched.push(url);
    return {
      ok: true,
      url: "https://example.test/app/other?from=redirect",
      text: async () => '<html><head><title>Other</title></head><body><div live-root live-token="tok2"><p id="o">other</p></div></body></html>',
    };
  };
  click(root.querySelector("#n"));
  await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(fetched, ["https://example.test/app/other"]);
  assert.equal(page.navigated.length, 1);
  assert.equal(page.navigated[0].token, "tok2");
  assert.equal(page.navigated[0].html, '<p id="o">other</p>');
  assert.equal(window.location.pathname + window.location.search, "/app/other?from=redirect", "the final URL, after redirects");
  assert.equal(document.title, "Other");
  page.navigated[0].done();
  assert.deepEqual(loading, ["start navigate https://example.test/app/other", "stop navigate /app/other?from=redirect"]);
  delete window.fetch;
  done();
});

test("navigate: an answer that is not a live page is loaded in full", async () => {
  const { root, page, done } = setup('<a id="n" href="/app/static" live-navigate>n</a>');
  const assigned = [];
  const loc = window.location;
  const orig = loc.assign;
  loc.assign = (u) => assigned.push(u);
  window.fetch = async () => ({ ok: true, url: "https://example.test/app/static", text: async () => "<p>static</p>" });
  click(root.querySelector("#n"));
  await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(assigned, ["https://example.test/app/static"]);
  assert.equal(page.navigated.length, 0);
  loc.assign = orig;
  delete window.fetch;
  done();
});

test("navigate: pushes set the title and the address, a flash click clears it", () => {
  const { root, page, nav, done } = setup('<p id="f" live-flash="info">saved</p>');
  assert.equal(nav.push("live:title", "New title"), true);
  assert.equal(document.title, "New title");
  assert.equal(nav.push("live:patch", "/app/page?x=5"), true);
  assert.equal(window.location.search, "?x=5");
  assert.equal(nav.push("app-event", {}), false, "an app's push is not navigation's");
  click(root.querySelector("#f"));
  assert.deepEqual(page.pushed.map((p) => [p.name, p.values]), [["live:clear-flash", { kind: "info" }]]);
  done();
});

test("socket: a navigation swaps the root, joins with the new token on the same socket, and ignores the left view's last frames", () => {
  FakeWebSocket.all = [];
  document.body.innerHTML = '<div live-root live-token="tok"><p id="c">0</p></div>';
  const root = document.body.firstChild;
  const page = connect(root, { WebSocket: FakeWebSocket, location: fakeLocation(), storage: fakeStorage(), base: 1, cap: 5, downDelay: 30 });
  const ws = FakeWebSocket.last();
  ws.open();
  ws.receive([0, 0]);
  const errors = [];
  page.push("slow", {}, null, null, null, (err) => errors.push(err));
  let arrived = 0;
  page.navigate("tok2", '<p id="d">new</p>', () => arrived++);
  assert.equal(root.getAttribute("live-token"), "tok2");
  assert.equal(root.innerHTML, '<p id="d">new</p>');
  assert.deepEqual(errors, ["navigated away"]);
  assert.deepEqual(ws.sent.at(-1)[0], 0);
  assert.equal(ws.sent.at(-1)[1].t, "tok2");
  assert.equal(ws.sent.at(-1)[1].n, 0);
  assert.equal(FakeWebSocket.all.length, 1, "no new socket");
  ws.receive([0, 1, [[0, "c", [0], "1"]]]); // the left view's answer
  ws.receive([1, [[0, "c", [0], "2"]]]);
  assert.equal(arrived, 0);
  assert.equal(root.innerHTML, '<p id="d">new</p>');
  ws.receive([0, 0, [[0, "d", [0], "newer"]]]);
  assert.equal(arrived, 1);
  assert.equal(root.querySelector("#d").textContent, "newer");
  page.stop();
});

test("navigate: back and forward patch the same view's URLs, navigate to other paths, and restore the scroll", async () => {
  const { root, page, done } = setup('<a id="p" href="/app/page?x=2" live-patch>p</a>');
  click(root.querySelector("#p"));
  assert.equal(window.location.search, "?x=2");
  const scrolled = [];
  const scrollTo = window.scrollTo;
  window.scrollTo = (x, y) => scrolled.push([x, y]);
  // Back to the first entry: its state holds the scroll it was left at.
  window.history.replaceState({ scroll: [0, 300] }, "", "/app/page?x=1");
  window.dispatchEvent(new window.PopStateEvent("popstate", { state: { scroll: [0, 300] } }));
  assert.deepEqual(page.pushed.at(-1).values, { u: "/app/page?x=1" });
  page.pushed.at(-1).done();
  assert.deepEqual(scrolled, [[0, 300]]);
  // An entry of another path is a navigation.
  const fetched = [];
  window.fetch = async (u) => {
    fetched.push(u);
    return { ok: true, url: u, text: async () => '<div live-root live-token="t3"><p>x</p></div>' };
  };
  window.history.replaceState(null, "", "/app/elsewhere");
  window.dispatchEvent(new window.PopStateEvent("popstate", { state: null }));
  await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(fetched, ["https://example.test/app/elsewhere"]);
  assert.equal(page.navigated.at(-1).token, "t3");
  // A fragment-only change is the browser's.
  const n = page.pushed.length;
  window.history.replaceState(null, "", "/app/elsewhere#top");
  window.dispatchEvent(new window.PopStateEvent("popstate", { state: null }));
  assert.equal(page.pushed.length, n);
  window.scrollTo = scrollTo;
  delete window.fetch;
  done();
});

test("navigate: a reload or a return from another site finds its scroll again", () => {
  window.history.replaceState({ scroll: [0, 420] }, "", "https://example.test/app/page?x=1");
  const scrolled = [];
  const scrollTo = window.scrollTo;
  window.scrollTo = (x, y) => scrolled.push([x, y]);
  document.body.innerHTML = '<div live-root live-token="tok"></div>';
  const nav = navigation(document.body.firstChild, fakePage(), window);
  assert.deepEqual(scrolled, [[0, 420]]);
  window.dispatchEvent(new window.Event("pagehide"));
  assert.ok(Array.isArray(window.history.state.scroll), "leaving keeps the position in the entry");
  nav.stop();
  window.scrollTo = scrollTo;
});

test("navigate: a navigation overtaken by a newer one is dropped, and its loading events still pair up", async () => {
  const { root, page, loading, done } = setup('<a id="a" href="/app/a" live-navigate>a</a><a id="b" href="/app/b" live-navigate>b</a>');
  const answers = [];
  window.fetch = (u) => new Promise((resolve) => answers.push(() => resolve({ ok: true, url: u, text: async () => `<div live-root live-token="${u.slice(-1)}"></div>` })));
  click(root.querySelector("#a"));
  click(root.querySelector("#b"));
  answers[1]();
  answers[0]();
  for (let i = 0; i < 4; i++) await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(page.navigated.map((n) => n.token), ["b"]);
  assert.equal(window.location.pathname, "/app/b");
  page.navigated[0].done();
  assert.equal(loading.filter((l) => l.startsWith("start")).length, 2);
  assert.equal(loading.filter((l) => l.startsWith("stop")).length, 2);
  delete window.fetch;
  done();
});
