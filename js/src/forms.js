// Form serialization: what a form sends with its events, and which forms
// re-send their values after the server lost the view.
import {
  ATTR_AUTO_RECOVER,
  ATTR_CHANGE,
  ATTR_ROOT,
  AUTO_RECOVER_IGNORE,
} from "./constants.js";
import { targetOf } from "./component.js";

// formValues returns the form's successful fields as an object of strings;
// a name that occurs more than once becomes an array of strings. File fields
// are left out: files travel another way. submitter, when given, is the
// button that submitted the form and adds its own name and value.
export function formValues(form, submitter) {
  // A Map, so that fields named constructor or __proto__ are fields too.
  const out = new Map();
  const data = submitter ? new FormData(form, submitter) : new FormData(form);
  data.forEach((v, k) => {
    if (typeof v !== "string") return;
    const had = out.get(k);
    out.set(k, had === undefined ? v : Array.isArray(had) ? had.concat(v) : [had, v]);
  });
  return Object.fromEntries(out);
}

// collectRecoverableForms returns [[formId, eventName, values, component?], ...] for every
// form of this root (not of a nested root) that has an id and a live-change
// event. The event is live-change's, or the one live-auto-recover names;
// live-auto-recover="ignore" opts the form out. Every join sends them: a
// server that lost the view rebuilds its state from them, one that still
// has it ignores them.
export function collectRecoverableForms(root) {
  const out = [];
  root.querySelectorAll(`form[id][${ATTR_CHANGE}]`).forEach((form) => {
    const event = form.getAttribute(ATTR_AUTO_RECOVER) || form.getAttribute(ATTR_CHANGE);
    if (event === AUTO_RECOVER_IGNORE || form.closest(`[${ATTR_ROOT}]`) !== root) return;
    const target = targetOf(form); // a stateful component's form
    const id = form.getAttribute("id");
    out.push(target ? [id, event, formValues(form), target] : [id, event, formValues(form)]);
  });
  return out;
}

// keepForms records what the user entered in root's recoverable forms and
// returns a function that writes it back into the forms with the same ids:
// a join's full render is built from those very values (or from a view that
// has not seen the newest keystrokes yet) and must not wipe them, whether
// the field is focused or not.
export function keepForms(root) {
  const saved = collectRecoverableForms(root);
  return () =>
    saved.forEach(([id, , values]) => {
      const form = root.ownerDocument.getElementById(id);
      if (form && form.localName === "form" && form.closest(`[${ATTR_ROOT}]`) === root) fillForm(form, values);
    });
}

// fillForm sets form's fields to values (formValues' shape), field by field:
// by name, and by position among fields of the same name. Fields the user
// does not type into (hidden, buttons, files) and disabled ones are left as
// the server rendered them.
export function fillForm(form, values) {
  const seen = new Map();
  controls(form).forEach((el) => {
    const { name, type } = el;
    const tag = el.localName;
    if (!name || el.disabled || (tag === "input" && SKIP_FILL.test(type))) return;
    const v = Object.prototype.hasOwnProperty.call(values, name) ? [].concat(values[name]) : [];
    if (tag === "select") {
      Array.from(el.options).forEach((o) => (o.selected = v.includes(o.value)));
    } else if (type === "checkbox" || type === "radio") {
      el.checked = v.includes(el.value);
    } else if (tag === "input" || tag === "textarea") {
      const i = seen.get(name) || 0;
      seen.set(name, i + 1);
      if (i < v.length && el.value !== v[i]) el.value = v[i];
    }
  });
}

// controls returns form's fields. A form's named fields are properties of
// the form too, and shadow its own: with <input name="id">, form.id is that
// input, and with name="elements", form.elements is. So attributes are read
// with getAttribute, and the fields through the prototype's getter.
export function controls(form) {
  const w = form.ownerDocument.defaultView;
  const d = w && w.HTMLFormElement && Object.getOwnPropertyDescriptor(w.HTMLFormElement.prototype, "elements");
  return Array.from((d && d.get ? d.get.call(form) : form.elements) || []);
}

const SKIP_FILL = /^(hidden|submit|reset|button|image|file)$/;

// keepReset is for a submit: the focused field is shielded from patches
// while the user types in it, but a submit's reply that changes its value
// attribute is the server resetting it (the form was sent), so it returns a
// function that, called after the reply is applied, shows that value.
export function keepReset(form) {
  const a = form.ownerDocument.activeElement;
  if (!a || !form.contains(a) || typeof a.defaultValue !== "string") return () => {};
  const before = a.defaultValue;
  return () => {
    if (a.defaultValue !== before) a.value = a.defaultValue;
  };
}
