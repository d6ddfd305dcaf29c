// The live connection of one page root: join, heartbeat, reconnect, state
// classes, event refs and replies, and the reload guard.
import {
  ATTR_TOKEN,
  CLASS_CONNECTED,
  CLASS_DISCONNECTED,
  CLASS_ERROR,
  CLASS_LOADING,
  CLASS_SUBMIT_LOADING,
  KEY_APPLIED,
  KEY_FORMS,
  KEY_TOKEN,
  KEY_URL,
  KEY_VERSION,
  KIND_ACK,
  KIND_ERROR,
  KIND_EVENT,
  KIND_HEARTBEAT,
  KIND_JOIN,
  KIND_LOG,
  KIND_PATCH,
  KIND_PUSH,
  KIND_RELOAD,
  KIND_REPLY,
  KIND_RESYNC,
  OP_MORPH,
  STORAGE_RELOAD,
  VERSION,
} from "./constants.js";
import { collectRecoverableForms, keepForms, keepReset } from "./forms.js";
import { logPrinter } from "./console.js";
import { restore } from "./commands.js";
import { targetOf } from "./component.js";
import { dropClass } from "./classes.js";
import { applyOps, DriftError } from "./patch.js";
import { follow, refused } from "./redirect.js";
import { streamSocket } from "./sse.js";

const DEFAULTS = {
  heartbeat: 30000, // ms between heartbeats; two unanswered ones mean the connection is dead
  base: 200, // ms, first reconnect delay bound
  cap: 5000, // ms, longest reconnect delay
  downDelay: 500, // ms down before live-disconnected shows, so a blip does not flash
  queue: 100, // events kept while disconnected, in flight ones included
  crashes: 5, // closes with 1011 (the view crashed) within a minute that make the page give up
  fallback: 2, // connections in a row that never opened before trying the other transport
};

// CRASH_WINDOW is how long (ms) a crash of the view counts against it.
const CRASH_WINDOW = 60000;

// RELOAD_WINDOW is how long (ms) a reload blocks the next one of the same URL.
const RELOAD_WINDOW = 10000;

// backoff returns the delay before reconnect attempt number attempt (0 for
// the first): "full jitter", uniform in [0, min(cap, base * 2^attempt)).
export function backoff(attempt, base = DEFAULTS.base, cap = DEFAULTS.cap, random = Math.random) {
  return Math.floor(random() * Math.min(cap, base * 2 ** attempt));
}

// reloadAllowed tells whether the page may reload for url now (ms), and if so
// remembers it in storage: a second reload of the same URL within 10 s is
// refused, so a server that keeps refusing the join never causes a loop.
// Without a working storage it refuses, for the same reason.
export function reloadAllowed(storage, url, now) {
  try {
    let last = null;
    try {
      last = JSON.parse(storage.getItem(STORAGE_RELOAD));
    } catch (_) {
      // A malformed entry counts as none.
    }
    if (last && last.u === url && now - last.t >= 0 && now - last.t < RELOAD_WINDOW) return false;
    storage.setItem(STORAGE_RELOAD, JSON.stringify({ u: url, t: now }));
    return true;
  } catch (_) {
    return false;
  }
}

// connect opens the live connection of root and keeps it open until stop.
// options overrides DEFAULTS and, for tests, the globals it uses: WebSocket,
// location, storage (sessionStorage). It returns the page:
//   root
//   push(name, values, el, loadingClass, held, done) sends an event (queued
//     while disconnected) and returns its ref; el gets loadingClass until the
//     reply; held (optional, from events.js) is {hold(el), done()}: hold runs
//     after a patch of el while the event is pending, done when it settles;
//     done(error, reply), if given, gets the server's error message or its
//     Reply payload.
//   stop() closes the connection for good.
// An event is settled by its reply or error only: one in flight when the
// connection drops is re-sent after the rejoin with the same ref, which the
// server applies at most once, then the ones queued while offline, in order.
// Each state class added to root is also dispatched on it as a bubbling
// event, templive:connected for live-connected and so on, for app banners.
// options.on (hooks.js) follows the page: up(again) when a join is answered,
// down() when a joined connection drops, before(ops) and after() around
// each frame's ops, push(name, payload) for each pushed event, added(el)
// and removing(el) for each element a patch adds or is about to remove.
export function connect(root, options) {
  const env = Object.assign({}, DEFAULTS, options);
  const on = env.on || {};
  let again = false; // a join was answered before
  const WS = env.WebSocket || WebSocket;
  // The fallback transport (sse.js), for where WebSockets never open:
  // after env.fallback attempts of one kind that never opened, the next
  // ones use the other kind, so a page behind a proxy that refuses
  // WebSockets goes on over the stream, and one whose server was merely
  // down comes back on whichever answers first.
  const Stream = env.Stream !== undefined ? env.Stream : streamSocket(typeof window === "undefined" ? {} : window);
  let useStream = false;
  let unopened = 0; // attempts in a row of the current kind that never opened
  const loc = env.location || location;
  const classes = root.classList;
  let ws = null; // the current socket
  let joined = false; // the current socket's join was answered
  let stopped = false;
  let resyncing = false; // a resync was asked for and not yet answered
  let attempt = 0; // reconnects since the last successful join
  let missed = 0; // heartbeats without any frame in between
  let lastRef = 0;
  let applied = 0; // patch-carrying frames applied since the GET
  let noForms = false; // the last join with forms crashed the view: skip them once
  let heartbeat, retry, downTimer;
  const pending = new Map(); // ref -> {name, el, cls, frame}, oldest first
  const printLog = logPrinter(); // dev console frames, sent only when the server has one on
  const crashes = []; // times of the closes with 1011 within CRASH_WINDOW
  let navDone = null; // runs when the view a navigation joined answers

  // Patch hooks: what JS commands changed on an element, its loading class
  // and its live-disable-with text outlive patches of it (the latter two
  // until its event is answered).
  const hooks = {
    // live-mounted and live-remove chains (lifecycle.js) via options.on.
    added: (el) => on.added && on.added(el),
    removing: (el) => on.removing && on.removing(el),
    updated(el) {
      restore(el);
      pending.forEach((p) => {
        if (p.el === el && p.cls) el.classList.add(p.cls);
        if (p.held) p.held.hold(el);
      });
    },
  };

  function state(add, ...remove) {
    remove.forEach((c) => classes.remove(c));
    if (add && !classes.contains(add)) {
      classes.add(add);
      const w = root.ownerDocument.defaultView;
      root.dispatchEvent(new w.CustomEvent(`templive:${add.slice(5)}`, { bubbles: true }));
    }
  }

  function send(frame) {
    ws.send(JSON.stringify(frame));
  }

  function open() {
    if (stopped) return;
    state(CLASS_LOADING, CLASS_CONNECTED);
    let sock;
    let opened = false;
    try {
      const Sock = useStream ? Stream : WS;
      sock = new Sock(`${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}${loc.pathname}${loc.search}`);
    } catch (err) {
      console.error(err);
      return down();
    }
    ws = sock;
    joined = false;
    resyncing = false;
    missed = 0;
    // The heartbeat runs while connecting too: a connect that hangs is dead.
    heartbeat = setInterval(() => {
      if (missed >= 2) return down();
      missed++;
      if (sock.readyState === 1) send([KIND_HEARTBEAT]);
    }, env.heartbeat);
    sock.onopen = () => {
      opened = true;
      unopened = 0;
      // Forms go in every join: a server that lost the view rebuilds it
      // from them before its first render, one that has it ignores them.
      join(noForms ? [] : collectRecoverableForms(root));
      noForms = false;
    };
    sock.onmessage = (e) => {
      missed = 0;
      // A frame that is not JSON throws here, and the browser logs it.
      receive(JSON.parse(e.data));
    };
    sock.onclose = (e) => {
      if (!opened && Stream && ++unopened >= env.fallback) {
        useStream = !useStream;
        unopened = 0;
      }
      // A view that crashed (1011) before answering the join may have
      // crashed on the forms: the next join leaves them out, or it would
      // crash again and again.
      if (!joined && e && e.code === 1011) noForms = true;
      // A join the server refused (1008: a policy, a hook) is refused
      // again on every retry: stop, visibly (redirect.js).
      if (!joined && refused(e, stop, state)) return;
      // A view that crashed (1011) after the join crashed on the oldest
      // event it had not answered, if on one: re-sent, it would crash the
      // fresh view again and again. It is dropped; the others are re-sent.
      if (joined && e && e.code === 1011 && pending.size) {
        const [ref, p] = pending.entries().next().value;
        console.error(`templive: event "${p.name}" dropped: the view crashed handling it`);
        settle(ref, undefined, "the view crashed");
      }
      // A view that keeps crashing (on Mount, on a message, on render)
      // is retried later each time, then given up on, visibly.
      let wait = 0;
      if (e && e.code === 1011) {
        const now = Date.now();
        crashes.push(now);
        while (now - crashes[0] >= CRASH_WINDOW) crashes.shift();
        if (crashes.length >= env.crashes) {
          stop();
          state(CLASS_ERROR, CLASS_LOADING, CLASS_CONNECTED, CLASS_DISCONNECTED);
          return console.error(`templive: the view crashed ${crashes.length} times within a minute; not reconnecting (reload the page to try again)`);
        }
        wait = env.base * 2 ** (crashes.length - 1);
      }
      down(wait);
    };
  }

  // down drops the current socket and schedules the next attempt, at least
  // wait ms later.
  function down(wait = 0) {
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      try {
        ws.close();
      } catch (_) {
        // Closing a socket that never opened may throw; it is gone either way.
      }
      ws = null;
    }
    clearInterval(heartbeat);
    if (joined && on.down) on.down();
    joined = false;
    if (stopped) return;
    state(CLASS_LOADING, CLASS_CONNECTED);
    if (!downTimer) downTimer = setTimeout(() => state(CLASS_DISCONNECTED), env.downDelay);
    retry = setTimeout(open, wait + backoff(attempt++, env.base, env.cap));
  }

  function join(forms) {
    send([KIND_JOIN, {
      [KEY_VERSION]: VERSION,
      [KEY_TOKEN]: root.getAttribute(ATTR_TOKEN),
      [KEY_URL]: loc.href,
      [KEY_APPLIED]: applied,
      [KEY_FORMS]: forms,
    }]);
  }

  function receive(frame) {
    const kind = frame[0];
    if (kind === KIND_REPLY) {
      if (!joined) {
        // Before a navigation's answer come the left view's last frames.
        if (frame[1] !== 0) return;
        joined = true;
        attempt = 0;
        clearTimeout(downTimer);
        downTimer = null;
        state(CLASS_CONNECTED, CLASS_LOADING, CLASS_DISCONNECTED, CLASS_ERROR);
        if (on.up) on.up(again);
        again = true;
        const refill = frame[2] && keepForms(root);
        patch(frame[2]);
        if (refill) refill();
        // In flight when the connection dropped, then queued: all in order.
        pending.forEach((p) => send(p.frame));
        arrived();
        return;
      }
      if (frame[1] === 0 && resyncing) {
        resyncing = false;
        patch(frame[2], true);
        return;
      }
      const p = pending.get(frame[1]);
      const reset = p && p.cls === CLASS_SUBMIT_LOADING && frame[2] && keepReset(p.el);
      patch(frame[2]);
      if (reset) reset();
      settle(frame[1], frame[3]);
    } else if (kind === KIND_PATCH) {
      if (joined) patch(frame[1]);
    } else if (kind === KIND_PUSH) {
      // [5, name, payload, name, payload, ...]
      for (let i = 1; i < frame.length; i += 2) if (on.push) on.push(frame[i], frame[i + 1] == null ? {} : frame[i + 1]);
    } else if (kind === KIND_ACK) {
      if (on.ack) on.ack(frame);
    } else if (kind === KIND_LOG) {
      printLog(frame);
    } else if (kind === KIND_ERROR) {
      const p = pending.get(frame[1]);
      // A hook's pushEvent hears of its error through its promise.
      if (!(p && p.done)) console.error(`templive: ${p ? `event "${p.name}"` : joined ? `ref ${frame[1]}` : "join"} failed: ${frame[2]}`);
      if (!joined) state(CLASS_ERROR, CLASS_LOADING);
      // The server could not resync: start over, and the join brings the page.
      else if (frame[1] === 0 && resyncing) down();
      settle(frame[1], undefined, frame[2]);
    } else if (kind === KIND_RELOAD && frame.length > 2) {
      follow(frame[2], loc, stop); // a redirect: [4, reason, url]
    } else if (kind === KIND_RELOAD) {
      stop();
      let storage;
      try {
        storage = env.storage || sessionStorage;
      } catch (_) {
        // Storage blocked: reloadAllowed refuses.
      }
      if (reloadAllowed(storage, loc.href, Date.now())) {
        loc.reload();
      } else {
        state(CLASS_ERROR, CLASS_LOADING, CLASS_CONNECTED);
        console.error(`templive: reload refused, the last was < 10 s ago (${frame[1]})`);
      }
    }
    // KIND_PONG needs nothing: every frame counts as a sign of life.
  }

  // patch applies a frame's ops; on failure it asks once for a resync, and
  // skips the frames that the resync's answer supersedes.
  function patch(ops, isResync) {
    if (!ops || !ops.length) return;
    if (resyncing) return;
    try {
      if (on.before) on.before(ops);
      applyOps(root, ops, hooks);
      applied++;
    } catch (err) {
      // A drift is the server's cue to resync; anything else is a bug here.
      (err instanceof DriftError ? console.warn : console.error)(err, err.op);
      if (isResync) {
        // The server's full render does not apply either: asking again
        // would loop. Say so and leave the page as it is.
        state(CLASS_ERROR);
        console.error("templive: resync failed", err);
        return;
      }
      resyncing = true;
      send([KIND_RESYNC]);
    } finally {
      if (on.after) on.after();
    }
  }

  function settle(ref, reply, err) {
    const p = pending.get(ref);
    if (!p) return;
    pending.delete(ref);
    if (p.held) p.held.done();
    if (p.done) p.done(err, reply);
    if (p.el && p.cls && ![...pending.values()].some((q) => q.el === p.el && q.cls === p.cls)) {
      dropClass(p.el, p.cls);
    }
  }

  function push(name, values, el, cls, held, done) {
    const ref = ++lastRef;
    const frame = [KIND_EVENT, ref, name];
    const target = targetOf(el);
    if (target) frame.push(values || {}, target);
    else if (values && Object.keys(values).length) frame.push(values);
    pending.set(ref, { name, el, cls, frame, held, done });
    if (el && cls) el.classList.add(cls);
    if (joined) {
      send(frame);
    } else {
      while (pending.size > env.queue) {
        const [lost, p] = pending.entries().next().value;
        console.error(`templive: offline, event "${p.name}" dropped`);
        settle(lost, undefined, "dropped while offline");
      }
    }
    return ref;
  }

  // call sends the frame make(ref) builds, a frame of another kind that
  // the server answers as an event (an upload's announcement, upload.js):
  // queued, re-sent and settled like one; done(error, reply) gets the answer.
  function call(make, done) {
    const ref = ++lastRef;
    const frame = make(ref);
    pending.set(ref, { name: String(frame[2]), frame, done });
    if (joined) send(frame);
    return ref;
  }

  // sendFrame sends a frame nothing answers but an upload ack, and
  // sendBinary a binary one (an upload's chunk), now or never: upload.js
  // resends what the server did not ack after a rejoin.
  function sendFrame(frame) {
    if (joined) send(frame);
  }
  function sendBinary(data) {
    if (joined) ws.send(data);
  }

  function arrived() {
    const done = navDone;
    navDone = null;
    if (done) done();
  }

  // navigate shows the next page's root (html, from its GET) and joins its
  // view (token) over the open socket, or with the next connection if none
  // is joined; done runs when that view answers. The events in flight are
  // the left view's: dropped.
  function navigate(token, html, done) {
    pending.forEach((_, ref) => settle(ref, undefined, "navigated away"));
    root.setAttribute(ATTR_TOKEN, token);
    resyncing = false;
    patch([[OP_MORPH, "", [], html]]);
    applied = 0;
    arrived(); // a navigation that never got its answer is over
    navDone = done;
    if (!joined) return;
    joined = false;
    join([]);
  }

  function stop() {
    stopped = true;
    clearTimeout(retry);
    clearTimeout(downTimer);
    down();
    pending.forEach((_, ref) => settle(ref, undefined, "connection stopped"));
  }

  open();
  return { root, push, stop, navigate, call, sendFrame, sendBinary, joined: () => joined };
}
