// Form serialization: what a form sends with its events, and which forms
// re-send their values after the server lost the view.
import {
  ATTR_AUTO_RECOVER,
  ATTR_CHANGE,
  ATTR_ROOT,
  AUTO_RECOVER_IGNORE,
} from "./constants.js";

// formValues returns the form's successful fields as an object of strings;
// a name that occurs more than once becomes an array of strings. File fields
// are left out: files travel another way. submitter, when given, is the
// button that submitted the form and adds its own name and value.
export function formValues(form, submitter) {
  const out = {};
  const data = submitter ? new FormData(form, submitter) : new FormData(form);
  data.forEach((v, k) => {
    if (typeof v !== "string") return;
    const had = out[k];
    out[k] = had === undefined ? v : Array.isArray(had) ? had.concat(v) : [had, v];
  });
  return out;
}

// collectRecoverableForms returns [[formId, eventName, values], ...] for every
// form of this root (not of a nested root) that has an id and a live-change
// event and does not opt out with live-auto-recover="ignore". A rejoin sends
// them so that the server can rebuild a lost view's state from the page.
export function collectRecoverableForms(root) {
  const out = [];
  root.querySelectorAll(`form[id][${ATTR_CHANGE}]`).forEach((form) => {
    if (form.getAttribute(ATTR_AUTO_RECOVER) === AUTO_RECOVER_IGNORE) return;
    if (form.closest(`[${ATTR_ROOT}]`) !== root) return;
    out.push([form.id, form.getAttribute(ATTR_CHANGE), formValues(form)]);
  });
  return out;
}
