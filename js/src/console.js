// Dev console: the server's log records (frames of kind KIND_LOG, sent only
// when the app turned its DevConsole on) printed in the browser console.
import { STORAGE_LOGS } from "./constants.js";

// By level bucket (slog: debug < 0 <= info < 4 <= warn < 8 <= error).
const METHODS = ["debug", "info", "warn", "error"];
const COLORS = ["#888", "#16a", "#b70", "#d22"];

function store() {
  try {
    return localStorage;
  } catch (_) {
    return null; // storage blocked: the setting is not kept
  }
}

// logsShown reads the filter: "tab" shows only this page's view's records,
// anything else shows all.
function logsShown(storage) {
  try {
    return storage.getItem(STORAGE_LOGS) === "tab" ? "tab" : "all";
  } catch (_) {
    return "all";
  }
}

// defineLogs adds the property logs ("all" | "tab") to obj (window.templive),
// kept in storage (localStorage) across reloads.
export function defineLogs(obj, storage = store()) {
  Object.defineProperty(obj, "logs", {
    get: () => logsShown(storage),
    set(v) {
      try {
        storage.setItem(STORAGE_LOGS, v === "tab" ? "tab" : "all");
      } catch (_) {
        // Not kept; nothing else to do.
      }
    },
  });
}

const esc = (s) => String(s).replace(/%/g, "%%");

function time(ms) {
  if (!ms) return "";
  const d = new Date(ms);
  const p = (n, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)} `;
}

// logPrinter returns the handler of one page's log frames
// [KIND_LOG, self, [[seq, ms, level, msg, attrs, source, view], ...], dropped?]
// that prints each record once: a reconnect's replay repeats records
// already printed, and their seq says so.
export function logPrinter(out = console, storage = store()) {
  let last = 0;
  return ([, self, records, dropped]) => {
    const tab = logsShown(storage) === "tab";
    (records || []).forEach(([seq, ms, level, msg, attrs, src, view]) => {
      if (seq <= last) return;
      last = seq;
      const mine = view && view === self;
      if (tab && !mine) return;
      const b = level < 0 ? 0 : level < 4 ? 1 : level < 8 ? 2 : 3;
      let text = `%c${time(ms)}${METHODS[b].toUpperCase()}%c ${mine ? "[this tab] " : ""}${esc(msg)}${src ? `  ${esc(src)}` : ""}`;
      // A panic's stack reads best as lines of text.
      if (attrs && typeof attrs.stack === "string") text += `\n${esc(attrs.stack)}`;
      const args = [text, `color:${COLORS[b]};font-weight:bold`, ""];
      if (attrs && Object.keys(attrs).length) args.push(attrs);
      out[METHODS[b]](...args);
    });
    if (dropped > 0) out.warn(`templive: ${dropped} server log records dropped: this tab fell behind`);
  };
}
