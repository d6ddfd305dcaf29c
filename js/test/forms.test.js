import { document } from "../testutil/dom.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { collectRecoverableForms, formValues } from "../src/forms.js";

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
    "</div>";
  assert.deepEqual(collectRecoverableForms(document.getElementById("r")), [["a", "validate", { q: "hi" }]]);
});
