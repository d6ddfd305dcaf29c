// The shared JS command fixtures (live/livetest/testdata/commands/*.json),
// which livetest's Go runner runs too: the client's commands.js must give
// the page each one wants.
import { window, document } from "../testutil/dom.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { execute } from "../src/commands.js";

const dir = fileURLToPath(new URL("../../live/livetest/testdata/commands/", import.meta.url));
const names = readdirSync(dir).filter((n) => n.endsWith(".json")).sort();

test("command fixtures exist", () => {
  assert.ok(names.length >= 5, `only ${names.length} fixtures in ${dir}`);
});

// canon serializes a node's children the way commands_fixture_test.go does:
// attributes sorted, class names sorted, style declarations sorted, empty
// class and style dropped.
function canon(n) {
  let out = "";
  for (const c of n.childNodes) {
    if (c.nodeType === 3) out += c.data.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    if (c.nodeType !== 1) continue;
    const attrs = [];
    for (const a of c.attributes) {
      let v = a.value;
      if (a.name === "class") v = v.split(/\s+/).filter(Boolean).sort().join(" ");
      if (a.name === "style") v = v.split(";").map((d) => d.split(":").map((x) => x.trim()).join(": ")).filter((d) => d !== "").sort().join("; ");
      if ((a.name === "class" || a.name === "style") && v === "") continue;
      attrs.push(`${a.name}="${v.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"`);
    }
    attrs.sort();
    const tag = c.localName;
    out += `<${tag}${attrs.map((a) => " " + a).join("")}>`;
    if (!/^(area|br|col|embed|hr|img|input|link|meta|source|wbr)$/.test(tag)) out += canon(c) + `</${tag}>`;
  }
  return out;
}

for (const name of names) {
  test(`command fixture ${name}`, (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const fx = JSON.parse(readFileSync(join(dir, name), "utf8"));
    document.head.innerHTML = fx.style ? `<style>${fx.style}</style>` : "";
    document.body.innerHTML = `<div live-root></div>`;
    const root = document.body.firstChild;
    root.innerHTML = fx.html;
    const expect = document.createElement("div");
    expect.innerHTML = fx.want;
    if (fx.focus) root.querySelector(fx.focus).focus();
    const sent = [];
    for (const s of fx.steps) {
      const el = root.querySelector(s.el);
      assert.ok(el, `no element ${s.el}`);
      execute(JSON.stringify(s.chain), el, (n, v) => sent.push([n, v]));
      t.mock.timers.tick(60000);
    }
    assert.equal(canon(root), canon(expect));
    assert.deepEqual(sent, fx.sent);
    const a = document.activeElement;
    const focused = a && a !== document.body && root.contains(a) ? a : null;
    const want = fx.focused ? root.querySelector(fx.focused) : null;
    assert.equal(focused && focused.outerHTML, want && want.outerHTML, "the focused element");
    document.activeElement && document.activeElement.blur && document.activeElement.blur();
  });
}
