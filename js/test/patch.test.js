import { document } from "../testutil/dom.js";
import { dump } from "../testutil/tree.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyOps, DriftError } from "../src/patch.js";

function page(html) {
  document.body.innerHTML = "";
  const root = document.createElement("div");
  root.setAttribute("live-root", "");
  root.innerHTML = html;
  document.body.appendChild(root);
  return root;
}

function same(root, html) {
  const want = document.createElement("div");
  want.innerHTML = html;
  assert.equal(dump(root), dump(want));
}

test("op 0 text sets the data of a text and of a comment node", () => {
  const root = page('<p id="a">old<!--c--></p>');
  applyOps(root, [[0, "a", [0], "new"], [0, "", [0, 1], "d"]]);
  same(root, '<p id="a">new<!--d--></p>');
});

test("op 0 text never parses markup", () => {
  const root = page("<p>x</p>");
  const evil = '<img src=x onerror="globalThis.pwned=1">';
  applyOps(root, [[0, "", [0, 0], evil]]);
  assert.equal(root.querySelector("img"), null);
  assert.equal(root.firstChild.textContent, evil);
  assert.equal(root.firstChild.childNodes.length, 1);
  assert.equal(globalThis.pwned, undefined);
});

test("ops 4 and 5 and attribute values never parse markup", () => {
  const root = page("<p></p>");
  const evil = '<img src=x onerror="globalThis.pwned=1">';
  applyOps(root, [
    [4, "", [0], 0, evil],
    [5, "", [0], 1, `--><b>${evil}`],
    [1, "", [0], "title", `"><b>${evil}`],
    [6, "", [], 1, "span", "", [["title", evil]]],
  ]);
  assert.equal(root.querySelector("img, b"), null);
  assert.equal(root.firstChild.firstChild.data, evil);
  assert.equal(root.firstChild.childNodes[1].nodeType, 8);
  assert.equal(root.firstChild.getAttribute("title"), `"><b>${evil}`);
  assert.equal(root.childNodes[1].getAttribute("title"), evil);
  assert.equal(globalThis.pwned, undefined);
});

test("op 1 attr and op 2 unattr", () => {
  const root = page('<a id="l" href="/a" class="x">t</a><span>s</span>');
  applyOps(root, [
    [1, "l", [], "href", "/b"],
    [1, "", [1], "data-n", "3"],
    [2, "l", [], "class"],
  ]);
  same(root, '<a id="l" href="/b">t</a><span data-n="3">s</span>');
});

test("op 3 insert parses HTML in the context of the parent", () => {
  const root = page("<table><tbody><tr><td>1</td></tr></tbody></table><ul><li>b</li></ul>");
  applyOps(root, [
    [3, "", [0, 0], 1, "<tr><td>2</td></tr><tr><td>3</td></tr>"],
    [3, "", [1], 0, "<li>a</li>"],
    [3, "", [1], 2, "<li>c</li>"],
  ]);
  same(root, "<table><tbody><tr><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></tbody></table><ul><li>a</li><li>b</li><li>c</li></ul>");
});

test("op 3 insert into SVG makes SVG elements", () => {
  const root = page("<svg><g></g></svg>");
  applyOps(root, [[3, "", [0, 0], 0, '<circle r="1"></circle>']]);
  assert.equal(root.querySelector("circle").namespaceURI, "http://www.w3.org/2000/svg");
});

test("op 3 insert does not run scripts", () => {
  const root = page("<div></div>");
  applyOps(root, [[3, "", [0], 0, "<script>globalThis.pwned = 1</script>"]]);
  assert.equal(root.querySelectorAll("script").length, 1);
  assert.equal(globalThis.pwned, undefined);
});

test("ops 4 inserttext and 5 insertcomment", () => {
  const root = page("<p><b>b</b></p>");
  applyOps(root, [
    [4, "", [0], 0, "a"],
    [5, "", [0], 2, "c"],
  ]);
  same(root, "<p>a<b>b</b><!--c--></p>");
});

test("op 6 insertelement in each namespace, with namespaced attributes", () => {
  const root = page("<div></div><svg></svg>");
  applyOps(root, [
    [6, "", [0], 0, "p", "", [["class", "x"], ["data-a", "1"]]],
    [6, "", [1], 0, "use", "svg", [["href", "#h", "xlink"], ["viewBox", "0 0 1 1"]]],
    [6, "", [], 2, "math", "math", []],
  ]);
  const p = root.querySelector("p");
  assert.equal(p.namespaceURI, "http://www.w3.org/1999/xhtml");
  assert.equal(p.getAttribute("class"), "x");
  const use = root.childNodes[1].firstChild;
  assert.equal(use.namespaceURI, "http://www.w3.org/2000/svg");
  assert.equal(use.localName, "use");
  assert.equal(use.getAttributeNS("http://www.w3.org/1999/xlink", "href"), "#h");
  assert.equal(use.getAttribute("viewBox"), "0 0 1 1");
  assert.equal(root.childNodes[2].namespaceURI, "http://www.w3.org/1998/Math/MathML");
});

test("namespaced attributes: set in their namespace on SVG, by any op", () => {
  const root = page('<svg><use></use></svg><p></p>');
  const XLINK = "http://www.w3.org/1999/xlink";
  const XMLNS = "http://www.w3.org/2000/xmlns/";
  applyOps(root, [
    [1, "", [0, 0], "xlink:href", "#a"],
    [1, "", [0], "xmlns", "http://www.w3.org/2000/svg"],
    [1, "", [0, 0], "constructor", "c"],
    [1, "", [1], "xlink:href", "html-is-not-foreign"],
    [6, "", [0], 1, "g", "svg", [["xlink", "http://www.w3.org/1999/xlink", "xmlns"], ["lang", "en", "xml"]]],
  ]);
  const use = root.querySelector("use");
  assert.equal(use.getAttributeNS(XLINK, "href"), "#a");
  assert.equal(root.firstChild.getAttributeNS(XMLNS, "xmlns"), "http://www.w3.org/2000/svg");
  assert.equal(use.getAttribute("constructor"), "c");
  assert.equal(root.querySelector("p").attributes[0].namespaceURI, null);
  const g = root.querySelector("g");
  assert.equal(g.getAttributeNS(XMLNS, "xlink"), XLINK);
  assert.equal(g.getAttributeNS("http://www.w3.org/XML/1998/namespace", "lang"), "en");
  applyOps(root, [[2, "", [0, 0], "xlink:href"]]);
  assert.equal(use.hasAttributeNS(XLINK, "href"), false);
});

test("op 7 remove, by path and by target", () => {
  const root = page('<ul><li>a</li><li id="b">b</li><li>c</li></ul>');
  applyOps(root, [[7, "b", []], [7, "", [0, 0]]]);
  same(root, "<ul><li>c</li></ul>");
});

test("op 8 move: remove, then insert before what is then child to", () => {
  const root = page("<ul><li>a</li><li>b</li><li>c</li><li>d</li></ul>");
  applyOps(root, [[8, "", [0], 0, 3]]);
  same(root, "<ul><li>b</li><li>c</li><li>d</li><li>a</li></ul>");
  applyOps(root, [[8, "", [0], 3, 0], [8, "", [0], 2, 1]]);
  same(root, "<ul><li>a</li><li>c</li><li>b</li><li>d</li></ul>");
});

test("op 8 move keeps the focus of a moved input", () => {
  const root = page('<div><input id="i"></div><div></div>');
  const input = root.querySelector("input");
  input.focus();
  applyOps(root, [[8, "", [], 0, 1]]);
  assert.equal(document.activeElement, input);
});

test("op 9 morph of a node, of a text, and into several nodes", () => {
  const root = page('<div id="d" class="a"><span>x</span></div>text<p>p</p>');
  const div = root.firstChild;
  applyOps(root, [
    [9, "d", [], '<div id="d" class="b"><span>y</span><i>z</i></div>'],
    [9, "", [1], "<b>bold</b>"],
    [9, "", [2], "<p>1</p><p>2</p>"],
  ]);
  same(root, '<div id="d" class="b"><span>y</span><i>z</i></div><b>bold</b><p>1</p><p>2</p>');
  assert.equal(root.firstChild, div, "morph keeps the element");
});

test("op 9 morph of the whole root morphs its children and keeps its attributes", () => {
  const root = page("<p>a</p>");
  root.setAttribute("live-token", "tok");
  const p = root.firstChild;
  applyOps(root, [[9, "", [], "<p>b</p><p>c</p>"]]);
  same(root, "<p>b</p><p>c</p>");
  assert.equal(root.firstChild, p);
  assert.equal(root.getAttribute("live-token"), "tok");
  assert.ok(root.hasAttribute("live-root"));
});

test("op 9 morph into nothing removes the node", () => {
  const root = page("<p>a</p><p>b</p>");
  applyOps(root, [[9, "", [0], ""]]);
  same(root, "<p>b</p>");
});

test("op 9 morph of a textarea and a template copies their content", () => {
  const root = page("<textarea></textarea><template><p>a</p></template>");
  applyOps(root, [
    [9, "", [0], "<textarea>new</textarea>"],
    [9, "", [1], "<template><p>b</p><i>c</i></template>"],
  ]);
  same(root, "<textarea>new</textarea><template><p>b</p><i>c</i></template>");
  assert.equal(root.firstChild.value, "new");
});

test("paths go into a template's content", () => {
  const root = page("<template><p>a</p></template>");
  applyOps(root, [[0, "", [0, 0, 0], "b"], [4, "", [0], 1, "c"]]);
  same(root, "<template><p>b</p>c</template>");
});

const drifts = [
  ["unknown target", [0, "nope", [], "x"]],
  ["target outside the root", [1, "outside", [], "a", "b"]],
  ["path past the children", [0, "", [5], "x"]],
  ["path through a text node", [0, "", [0, 0, 0], "x"]],
  ["text op on an element", [0, "", [0], "x"]],
  ["attr op on a text node", [1, "", [0, 0], "a", "b"]],
  ["attr op on the root", [1, "", [], "class", "x"]],
  ["insert index past the end", [4, "", [0], 2, "x"]],
  ["insert index negative", [4, "", [0], -1, "x"]],
  ["insert into a text node", [3, "", [0, 0], 0, "<b></b>"]],
  ["remove the root", [7, "", []]],
  ["move from past the end", [8, "", [0], 1, 0]],
  ["move to past the end", [8, "", [0], 0, 1]],
  ["unknown element namespace", [6, "", [0], 0, "x", "klingon", []]],
  ["unknown op kind", [42, "", []]],
  ["path is not an array", [0, "", "0", "x"]],
];

for (const [name, op] of drifts) {
  test(`drift: ${name} throws DriftError`, () => {
    const root = page("<p>t</p>");
    const outside = document.createElement("i");
    outside.id = "outside";
    document.body.appendChild(outside);
    assert.throws(() => applyOps(root, [op]), DriftError);
  });
}

test("drift stops the frame: ops before it stay, ops after it do not run", () => {
  const root = page("<p>a</p><p>b</p>");
  assert.throws(
    () => applyOps(root, [[0, "", [0, 0], "A"], [0, "", [9], "x"], [0, "", [1, 0], "B"]]),
    (err) => err instanceof DriftError && err.op[1] === "" && err.op[2][0] === 9,
  );
  same(root, "<p>A</p><p>b</p>");
});

test("focus: an attr op on the focused input sets the attribute, not the value", () => {
  const root = page('<input id="f" value="a"><input id="u" value="a">');
  const [f, u] = root.querySelectorAll("input");
  f.focus();
  f.value = "typing";
  u.value = "stale";
  applyOps(root, [[1, "f", [], "value", "server"], [1, "u", [], "value", "reset"]]);
  assert.equal(f.getAttribute("value"), "server");
  assert.equal(f.value, "typing");
  assert.equal(u.getAttribute("value"), "reset");
  assert.equal(u.value, "reset", "an unfocused input shows the server's value");
  assert.equal(document.activeElement, f);
});

test("focus: unattr value empties an unfocused input", () => {
  const root = page('<input value="a">');
  root.firstChild.value = "typed";
  applyOps(root, [[2, "", [0], "value"]]);
  assert.equal(root.firstChild.value, "");
});

test("focus: checked and selected set their properties", () => {
  const root = page('<input type="checkbox"><select><option>a</option><option>b</option></select>');
  const box = root.firstChild;
  box.checked = true;
  applyOps(root, [[2, "", [0], "checked"], [1, "", [1, 1], "selected", ""]]);
  assert.equal(box.checked, false);
  assert.equal(root.querySelector("select").value, "b");
  applyOps(root, [[1, "", [0], "checked", ""]]);
  assert.equal(box.checked, true);
});

test("focus: a text op on a textarea updates its value unless it is focused", () => {
  const root = page("<textarea>a</textarea><textarea>a</textarea>");
  const [f, u] = root.querySelectorAll("textarea");
  f.focus();
  f.value = "typing";
  u.value = "stale";
  applyOps(root, [[0, "", [0, 0], "server"], [0, "", [1, 0], "reset"]]);
  assert.equal(f.value, "typing");
  assert.equal(u.value, "reset");
});

test("focus: a morph keeps the focused input's value and caret, updates the others", () => {
  const root = page('<form id="f"><input name="q" value="a"><input name="r" value="a"></form>');
  const [q, r] = root.querySelectorAll("input");
  q.focus();
  q.value = "hello";
  q.setSelectionRange(2, 3);
  r.value = "stale";
  applyOps(root, [[9, "f", [], '<form id="f"><input name="q" value="server"><input name="r" value="reset"></form>']]);
  assert.equal(root.querySelector("input"), q);
  assert.equal(q.value, "hello");
  assert.equal(q.getAttribute("value"), "server");
  assert.equal([q.selectionStart, q.selectionEnd].join(), "2,3");
  assert.equal(document.activeElement, q);
  assert.equal(r.value, "reset");
});

test("focus: a morph of the whole root keeps the focused textarea's value", () => {
  const root = page("<textarea>a</textarea>");
  const t = root.firstChild;
  t.focus();
  t.value = "typing";
  applyOps(root, [[9, "", [], "<textarea>server</textarea>"]]);
  assert.equal(t.value, "typing");
  assert.equal(t.textContent, "server");
});

test("live-ignore: morph leaves the subtree alone, ops into it are dropped", () => {
  const root = page('<div live-ignore id="w"><span id="in">client</span></div><p>a</p>');
  const w = root.firstChild;
  w.firstChild.setAttribute("class", "mine");
  applyOps(root, [
    [9, "", [], '<div live-ignore id="w"><span id="in">server</span><i></i></div><p>b</p>'],
    [0, "", [0, 0, 0], "server"],
    [0, "in", [0], "server"],
    [1, "w", [], "class", "x"],
    [3, "w", [], 0, "<b></b>"],
    [7, "", [0, 5, 5]],
  ]);
  assert.equal(root.firstChild, w);
  assert.equal(w.innerHTML, '<span id="in" class="mine">client</span>');
  assert.equal(w.getAttribute("class"), null);
  assert.equal(root.lastChild.textContent, "b");
});

test("live-ignore: the ignored element itself can be removed", () => {
  const root = page("<div live-ignore>x</div><p>a</p>");
  applyOps(root, [[7, "", [0]]]);
  same(root, "<p>a</p>");
});

test("hooks: updated, added, discarded and a beforeUpdate veto", () => {
  const root = page('<p id="a">a</p><div id="veto">v</div><ul><li>x</li></ul>');
  const seen = [];
  const hooks = {
    updated: (el) => seen.push(`updated ${el.localName}`),
    added: (el) => seen.push(`added ${el.localName}`),
    discarded: (el) => seen.push(`discarded ${el.localName}`),
    beforeUpdate: (from) => from.id !== "veto",
  };
  applyOps(root, [
    [1, "a", [], "class", "c"],
    [3, "", [2], 1, "<li><b>y</b></li>"],
    [7, "", [2, 0]],
    [9, "", [], '<p id="a" class="c">a</p><div id="veto">changed</div><ul><li><b>y</b></li></ul><hr>'],
  ], hooks);
  assert.ok(seen.includes("updated p"));
  assert.ok(seen.includes("added li") && seen.includes("added b"));
  assert.ok(seen.includes("discarded li"));
  assert.ok(seen.includes("added hr"));
  assert.equal(root.childNodes[1].textContent, "v", "beforeUpdate returning false keeps the element");
});
