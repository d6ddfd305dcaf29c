// Class removal that leaves no trace: an element whose last class goes
// loses its class attribute, so a button that showed a loading or
// transition class reads as the server rendered it (<button>, not
// <button class="">), and CSS attribute selectors such as [class] hold.

// dropClass removes name from el's classes, and the class attribute when
// nothing is left in it.
export function dropClass(el, name) {
  el.classList.remove(name);
  if (el.classList.length === 0 && el.hasAttribute("class")) el.removeAttribute("class");
}
