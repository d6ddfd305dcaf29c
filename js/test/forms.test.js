import { document } from "../testutil/dom.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { collectRecoverableForms, fillForm, formValues } from "../src/forms.js";

test("formValues: strings, arrays for repeated names, no unchecked boxes or files", () => {
  document.body.innerHTML =
    '<form><input name="a" value="1"><input name="a" value="2"><input name="a" value="3">' +
    '<input type="checkbox" name="c" value="on1"><input type="file" name="f"><textarea name="t">x\ny</textarea>' +
    '<input name="empty"><button name="go" value="yes">go</button></form>';
  const form = document.querySelector("form");
  assert.deepEqual(formValues(form), { a: ["1", "2", "3"], t: "x\ny", empty: "" });
  assert.equal(formValues(form, form.querySelector("button")).go, "yes");
});

// A multiple select with two options chosen also gives an array in browsers;
// happy-dom's FormData reports only its first option, so it is not tested here.

test("collectRecoverableForms: forms with an id and live-change, unless they opt out", () => {
  document.body.innerHTML =
    '<div live-root id="r">' +
    '<form id="a" live-change="validate"><input name="q" value="hi"></form>' +
    '<form live-change="no-id"><input name="q"></form>' +
    '<form id="b"><input name="q"></form>' +
    '<form id="c" live-change="v" live-auto-recover="ignore"><input name="q"></form>' +
    '<div live-root><form id="d" live-change="nested"></form></div>' +
    '<form id="e" live-change="v" live-auto-recover="restore"><input name="z" value="1"></form>' +
    '<form id="g" live-auto-recover="restore"><input name="q"></form>' +
    '<div id="cart" live-component><form id="h" live-change="note" live-target><input name="n" value="x"></form></div>' +
    "</div>";
  assert.deepEqual(collectRecoverableForms(document.getElementById("r")), [
    ["a", "validate", { q: "hi" }],
    ["e", "restore", { z: "1" }],
    ["h", "note", { n: "x" }, "cart"], // a component's form names it
  ]);
});

test("fillForm: puts formValues back, field by field; leaves what the user does not type into", () => {
  document.body.innerHTML =
    '<form><input name="a" value="x"><input name="a" value="y"><textarea name="t">old</textarea>' +
    '<input type="checkbox" name="c" value="1"><input type="checkbox" name="c" value="2" checked>' +
    '<input type="radio" name="r" value="a" checked><input type="radio" name="r" value="b">' +
    '<select name="s"><option value="1">1</option><option value="2">2</option></select>' +
    '<input type="hidden" name="h" value="server"><input name="off" value="server" disabled>' +
    '<input name="constructor" value="kept"><input name="missing" value="kept"><button name="b" value="v">b</button></form>';
  const form = document.querySelector("form");
  const values = { a: ["1", "2"], t: "new", c: "1", r: "b", s: "2", h: "client", off: "client", b: "x", __proto__: null };
  fillForm(form, Object.assign({}, values));
  const f = (n, i = 0) => form.querySelectorAll(`[name="${n}"]`)[i];
  assert.deepEqual([f("a").value, f("a", 1).value, f("t").value], ["1", "2", "new"]);
  assert.deepEqual([f("c").checked, f("c", 1).checked, f("r").checked, f("r", 1).checked], [true, false, false, true]);
  assert.equal(f("s").value, "2");
  assert.equal(f("h").value, "server", "hidden fields are the server's");
  assert.equal(f("off").value, "server", "disabled fields are not the user's");
  assert.equal(f("constructor").value, "kept", "a name no value has is left alone");
  assert.equal(f("missing").value, "kept");
  assert.equal(f("b").value, "v");
  assert.deepEqual(formValues(form), { a: ["1", "2"], t: "new", c: "1", r: "b", s: "2", h: "server", constructor: "kept", missing: "kept" });
});
