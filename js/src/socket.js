// The live connection of one page root: join, heartbeat, reconnect, state
// classes, event refs and replies, and the reload guard.
import {
  ATTR_TOKEN,
  CLASS_CONNECTED,
  CLASS_DISCONNECTED,
  CLASS_ERROR,
  CLASS_LOADING,
  KEY_APPLIED,
  KEY_TOKEN,
  KEY_URL,
  KEY_VERSION,
  KIND_ERROR,
  KIND_EVENT,
  KIND_HEARTBEAT,
  KIND_JOIN,
  KIND_PATCH,
  KIND_RELOAD,
  KIND_REPLY,
  KIND_RESYNC,
  STORAGE_RELOAD,
  VERSION,
} from "./constants.js";
import { applyOps, DriftError } from "./patch.js";

const DEFAULTS = {
  heartbeat: 30000, // ms between heartbeats; two unanswered ones mean the connection is dead
  base: 200, // ms, first reconnect delay bound
  cap: 5000, // ms, longest reconnect delay
  downDelay: 500, // ms down before live-disconnected shows, so a blip does not flash
  queue: 100, // events kept while disconnected
};

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
//   push(name, values, el, loadingClass) sends an event (queued while
//     disconnected) and returns its ref; el gets loadingClass until the reply.
//   stop() closes the connection for good.
export function connect(root, options) {
  const env = Object.assign({}, DEFAULTS, options);
  const WS = env.WebSocket || WebSocket;
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
  let heartbeat, retry, downTimer;
  const queue = []; // event frames waiting for a join
  const pending = new Map(); // ref -> {name, el, cls}

  // Patch hooks: an element's loading class outlives patches of its class
  // attribute until its event is answered.
  const hooks = {
    updated(el) {
      pending.forEach((p) => p.el === el && p.cls && el.classList.add(p.cls));
    },
  };

  function state(add, ...remove) {
    remove.forEach((c) => classes.remove(c));
    if (add) classes.add(add);
  }

  function send(frame) {
    ws.send(JSON.stringify(frame));
  }

  function open() {
    if (stopped) return;
    state(CLASS_LOADING, CLASS_CONNECTED);
    let sock;
    try {
      sock = new WS(`${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}${loc.pathname}${loc.search}`);
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
      send([KIND_JOIN, {
        [KEY_VERSION]: VERSION,
        [KEY_TOKEN]: root.getAttribute(ATTR_TOKEN),
        [KEY_URL]: loc.href,
        [KEY_APPLIED]: applied,
      }]);
    };
    sock.onmessage = (e) => {
      missed = 0;
      // A frame that is not JSON throws here, and the browser logs it.
      receive(JSON.parse(e.data));
    };
    sock.onclose = () => down();
  }

  // down drops the current socket and schedules the next attempt.
  function down() {
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
    joined = false;
    // Events in flight on the lost socket will never be answered.
    const waiting = new Set(queue.map((f) => f[1]));
    pending.forEach((_, ref) => waiting.has(ref) || settle(ref));
    if (stopped) return;
    state(CLASS_LOADING, CLASS_CONNECTED);
    if (!downTimer) downTimer = setTimeout(() => state(CLASS_DISCONNECTED), env.downDelay);
    retry = setTimeout(open, backoff(attempt++, env.base, env.cap));
  }

  function receive(frame) {
    const kind = frame[0];
    if (kind === KIND_REPLY) {
      if (!joined) {
        joined = true;
        attempt = 0;
        clearTimeout(downTimer);
        downTimer = null;
        state(CLASS_CONNECTED, CLASS_LOADING, CLASS_DISCONNECTED, CLASS_ERROR);
        patch(frame[2]);
        queue.splice(0).forEach(send);
        return;
      }
      if (frame[1] === 0 && resyncing) {
        resyncing = false;
        patch(frame[2], true);
        return;
      }
      patch(frame[2]);
      settle(frame[1]);
    } else if (kind === KIND_PATCH) {
      patch(frame[1]);
    } else if (kind === KIND_ERROR) {
      const p = pending.get(frame[1]);
      console.error(`templive: ${p ? `event "${p.name}"` : joined ? `ref ${frame[1]}` : "join"} failed: ${frame[2]}`);
      if (!joined) state(CLASS_ERROR, CLASS_LOADING);
      // The server could not resync: start over, and the join brings the page.
      else if (frame[1] === 0 && resyncing) down();
      settle(frame[1]);
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
    }
  }

  function settle(ref) {
    const p = pending.get(ref);
    if (!p) return;
    pending.delete(ref);
    if (p.el && p.cls && ![...pending.values()].some((q) => q.el === p.el && q.cls === p.cls)) {
      p.el.classList.remove(p.cls);
    }
  }

  function push(name, values, el, cls) {
    const ref = ++lastRef;
    const frame = [KIND_EVENT, ref, name];
    if (values && Object.keys(values).length) frame.push(values);
    pending.set(ref, { name, el, cls });
    if (el && cls) el.classList.add(cls);
    if (joined) {
      send(frame);
    } else if (queue.push(frame) > env.queue) {
      const lost = queue.shift();
      console.error(`templive: offline, event "${lost[2]}" dropped`);
      settle(lost[1]);
    }
    return ref;
  }

  function stop() {
    stopped = true;
    clearTimeout(retry);
    clearTimeout(downTimer);
    down();
  }

  open();
  return { root, push, stop };
}
