import { document, window } from "../testutil/dom.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { navigation } from "../src/navigate.js";
import { execute } from "../src/commands.js";

// The patch and navigate JS commands (live/js Patch, Navigate) go through
// navigate.js as the links do.

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
  return { root, page, done: () => nav.stop() };
}

function warnings(fn) {
  const got = [];
  const orig = console.warn;
  console.warn = (m) => got.push(String(m));
  try {
    fn();
  } finally {
    console.warn = orig;
  }
  return got;
}

const url = () => window.location.pathname + window.location.search;

test("commands: patch sends the view the URL and adds a history entry, as a live-patch link", () => {
  const { root, page, done } = setup('<button id="b">b</button>');
  const before = window.history.length;
  execute('[["patch",{"href":"/app/page?x=2"}]]', root.querySelector("#b"), null);
  assert.equal(url(), "/app/page?x=2");
  assert.equal(window.history.length, before + 1);
  assert.deepEqual(page.pushed.map((p) => [p.name, p.values]), [["live:patch", { u: "/app/page?x=2" }]]);
  assert.deepEqual(page.navigated, []);
  done();
});

test("commands: patch with replace replaces the history entry", () => {
  const { root, page, done } = setup('<button id="b">b</button>');
  const before = window.history.length;
  execute('[["patch",{"href":"?x=3","replace":true}]]', root.querySelector("#b"), null);
  assert.equal(url(), "/app/page?x=3");
  assert.equal(window.history.length, before, "no new entry");
  assert.deepEqual(page.pushed.map((p) => p.values), [{ u: "/app/page?x=3" }]);
  done();
});

test("commands: navigate, and a patch to another path, fetch the page and join its view", async () => {
  for (const op of ["navigate", "patch"]) {
    const { root, page, done } = setup('<button id="b">b</button>');
    const fetched = [];
    window.fetch = async (u) => {
      fetched.push(u);
      return { ok: true, url: u, text: async () => '<html><body><div live-root live-token="tok2"><p>other</p></div></body></html>' };
    };
    execute(`[["${op}",{"href":"/app/other"}]]`, root.querySelector("#b"), null);
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(fetched, ["https://example.test/app/other"], op);
    assert.deepEqual(page.navigated.map((n) => n.token), ["tok2"], op);
    assert.deepEqual(page.pushed, [], op);
    assert.equal(url(), "/app/other", op);
    delete window.fetch;
    done();
  }
});

test("commands: patch and navigate refuse URLs off the site, with a warning naming the element, and go nowhere", () => {
  const bad = ["https://other.test/x", "//other.test/x", "javascript:alert(1)", "data:text/html,<p>x</p>", "http://example.test/app/page"];
  for (const op of ["patch", "navigate"]) {
    for (const href of bad) {
      const { root, page, done } = setup('<button id="b">b</button>');
      window.fetch = () => assert.fail(`fetched for ${op} ${href}`);
      const w = warnings(() => execute(JSON.stringify([[op, { href }], ["add_class", { names: "ran" }]]), root.querySelector("#b"), null));
      assert.equal(w.length, 1, `${op} ${href}: ${w}`);
      assert.match(w[0], /refused: not on this site.*<button#b>/, `${op} ${href}`);
      assert.equal(url(), "/app/page?x=1", `${op} ${href}`);
      assert.deepEqual(page.pushed, []);
      assert.ok(root.querySelector("#b").classList.contains("ran"), "the rest of the chain runs");
      delete window.fetch;
      done();
    }
    const { root, done } = setup('<button id="b">b</button>');
    for (const args of ["{}", '{"href":7}', '{"href":""}']) {
      const w = warnings(() => execute(`[["${op}",${args}]]`, root.querySelector("#b"), null));
      assert.match(w.join(), new RegExp(`${op} without a URL`), args);
    }
    done();
  }
});

test("commands: in a root that does not drive the location, patch and navigate load the URL in full, as its links do", () => {
  const { root, page, done } = setup('<button id="b">b</button>');
  done(); // as for the page's second root, which has no navigation
  const loc = window.location;
  const orig = [loc.assign, loc.replace];
  const loaded = [];
  loc.assign = (u) => loaded.push(["assign", u]);
  loc.replace = (u) => loaded.push(["replace", u]);
  try {
    execute('[["patch",{"href":"/app/page?x=2"}],["navigate",{"href":"/app/other","replace":true}]]', root.querySelector("#b"), null);
  } finally {
    [loc.assign, loc.replace] = orig;
  }
  assert.deepEqual(loaded, [["assign", "https://example.test/app/page?x=2"], ["replace", "https://example.test/app/other"]]);
  assert.deepEqual(page.pushed, []);
});
