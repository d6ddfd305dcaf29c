// Rate limits of live events: live-debounce and live-throttle, per element
// and binding.
import { ATTR_DEBOUNCE, ATTR_THROTTLE, DEBOUNCE_BLUR } from "./constants.js";

// limit runs fire now, later or never, as src's attributes say:
//   live-debounce="ms"    once ms pass without another event (or src blurs)
//   live-debounce="blur"  when src loses focus (see flush)
//   live-throttle="ms"    at once, then at most once per ms; the last event
//                         held back in a window is sent when it ends.
// A newer event replaces one held back. timers is a WeakMap kept per root;
// key tells bindings of the same element apart.
export function limit(timers, src, key, fire) {
  const d = src.getAttribute(ATTR_DEBOUNCE);
  const t = src.getAttribute(ATTR_THROTTLE);
  if (d == null && t == null) return fire();
  let m = timers.get(src);
  if (!m) timers.set(src, (m = {}));
  const r = m[key] || (m[key] = { fire: null, timer: 0, d: false });
  r.d = d != null;
  if (r.d) {
    clearTimeout(r.timer);
    r.fire = fire;
    if (d !== DEBOUNCE_BLUR) r.timer = setTimeout(() => flushOne(r), ms(d));
  } else if (r.timer) {
    r.fire = fire;
  } else {
    fire();
    const tick = () => {
      const f = r.fire;
      r.fire = null;
      r.timer = f ? setTimeout(tick, ms(t)) : 0;
      if (f) f();
    };
    r.timer = setTimeout(tick, ms(t));
  }
}

// flush sends src's debounced events now: it lost focus, or its form is
// being submitted.
export function flush(timers, src) {
  const m = timers.get(src);
  for (const k in m) if (m[k].d) flushOne(m[k]);
}

function flushOne(r) {
  clearTimeout(r.timer);
  r.timer = 0;
  const f = r.fire;
  r.fire = null;
  if (f) f();
}

function ms(s) {
  return Math.max(0, parseInt(s, 10) || 0);
}
