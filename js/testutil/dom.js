// Test environment: a happy-dom window whose globals the client sees. Import
// it before any module of js/src (morphdom reads `document` when it loads).
import { Window } from "happy-dom";

export const window = new Window({ url: "https://example.test/app/page?x=1" });
export const document = window.document;

for (const name of [
  "document",
  "HTMLElement",
  "Element",
  "Node",
  "DocumentFragment",
  "FormData",
  "Event",
  "MouseEvent",
  "SubmitEvent",
  "location",
  "sessionStorage",
]) {
  globalThis[name] = window[name];
}
globalThis.window = window;
