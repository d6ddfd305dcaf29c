// File uploads. A file input with live-upload="name", or an element with
// live-drop-target="name" that files are dropped on, announces the files to
// the view (an upload frame: names, sizes, types, no bytes). The view
// validates them and renders its entries, refused ones with their error,
// and its reply says which to send. Then each accepted file goes either in
// binary chunk frames ([uvarint ref][uvarint offset][bytes]), at most
// WINDOW chunks ahead of the server's acks, or, for an external upload,
// straight to its URL by XHR PUT, whose progress the client reports.
//
// An img with live-upload-preview="ref" shows the entry's file from an
// object URL: no round trip, no bytes to the server for it.
import {
  ATTR_DROP_TARGET,
  ATTR_UPLOAD,
  ATTR_UPLOAD_PREVIEW,
  CLASS_DROP_ACTIVE,
  EVENT_UPLOAD_ERROR,
  KIND_PROGRESS,
  KIND_UPLOAD,
} from "./constants.js";

// WINDOW is how many chunks may await the server's ack: enough to keep a
// fast connection busy, few enough that the server holds no backlog.
export const WINDOW = 4;

// PROGRESS_EVERY bounds the external progress reports, in ms, so that a
// fast upload stays far below the server's event rate limit.
const PROGRESS_EVERY = 100;

// uvarint appends n (a non-negative integer below 2^53) to out as an
// unsigned LEB128 varint, as Go's binary.AppendUvarint.
export function uvarint(out, n) {
  while (n >= 128) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

// chunkFrame returns the binary frame holding bytes (a Uint8Array) of the
// entry ref, starting at offset.
export function chunkFrame(ref, offset, bytes) {
  const head = uvarint(uvarint([], ref), offset);
  const frame = new Uint8Array(head.length + bytes.length);
  frame.set(head);
  frame.set(bytes, head.length);
  return frame;
}

// bindUploads makes root's file inputs and drop targets announce files
// through page (socket.js: call, sendBinary, sendFrame, joined) and returns
// what the socket tells it: ack(frame) for each upload ack, up() when a
// join is answered (to resume), after() after each patch (previews).
export function bindUploads(root, page) {
  const entries = new Map(); // ref -> entry being sent or shown

  function announce(name, files) {
    if (!files.length) return;
    page.call(
      (ref) => [KIND_UPLOAD, ref, name, files.map((f) => [f.name, f.size, f.type])],
      (err, answer) => {
        if (err || !Array.isArray(answer)) return;
        const [chunk, list] = answer;
        list.forEach(([ref, ok, url, headers], i) => {
          const e = { ref, file: files[i], chunk, sent: 0, acked: 0, reading: false, resuming: false, done: !ok || files[i].size === 0 };
          entries.set(ref, e);
          if (!ok) return; // refused: the view shows why
          if (url) put(e, url, headers || {});
          else pump(e);
        });
        previews();
      },
    );
  }

  // pump sends e's next chunks while the window has room. Reading a slice
  // of a File is asynchronous: one read at a time keeps the chunks in order.
  function pump(e) {
    if (e.done || e.reading || !page.joined()) return;
    const size = e.file.size;
    const ahead = e.resuming ? e.chunk : WINDOW * e.chunk;
    if (e.sent >= size || e.sent - e.acked >= ahead) return;
    const start = e.sent;
    const end = Math.min(start + e.chunk, size);
    e.reading = true;
    e.file.slice(start, end).arrayBuffer().then((buf) => {
      e.reading = false;
      if (e.done || e.sent !== start || !page.joined()) return;
      page.sendBinary(chunkFrame(e.ref, start, new Uint8Array(buf)));
      e.sent = end;
      pump(e);
    }, (err) => {
      e.reading = false;
      fail(e, `reading the file: ${err}`);
    });
  }

  // put sends an external entry to its URL and reports its progress.
  function put(e, url, headers) {
    const xhr = new XMLHttpRequest();
    e.xhr = xhr;
    let last = 0;
    xhr.upload.onprogress = (ev) => {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY || ev.loaded >= e.file.size) return;
      last = now;
      report(e, [KIND_PROGRESS, e.ref, ev.loaded]);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) report(e, [KIND_PROGRESS, e.ref, e.file.size], true);
      else report(e, [KIND_PROGRESS, e.ref, 0, `${xhr.status} ${xhr.statusText}`], true);
    };
    xhr.onerror = () => report(e, [KIND_PROGRESS, e.ref, 0, "network error"], true);
    xhr.open("PUT", url);
    Object.keys(headers).forEach((k) => xhr.setRequestHeader(k, headers[k]));
    xhr.send(e.file);
  }

  // report sends an external entry's progress; the final one waits for a
  // connection if there is none.
  function report(e, frame, final) {
    if (final) e.final = frame;
    if (page.joined()) {
      page.sendFrame(frame);
      if (final) e.final = null;
    }
  }

  function fail(e, message) {
    e.done = true;
    if (e.xhr) e.xhr.abort();
    const w = root.ownerDocument.defaultView;
    w.dispatchEvent(new w.CustomEvent(EVENT_UPLOAD_ERROR, { detail: { ref: e.ref, error: message } }));
  }

  // ack handles [7, ref, received, error?].
  function ack(frame) {
    const e = entries.get(frame[1]);
    if (!e) return;
    if (frame[3]) {
      if (!e.done) fail(e, frame[3]);
      if (e.url) URL.revokeObjectURL(e.url);
      entries.delete(e.ref);
      return;
    }
    e.acked = Math.max(e.acked, frame[2]);
    if (e.resuming) {
      // The one chunk sent since the rejoin is answered: the server's
      // count is where to go on from.
      e.resuming = false;
      e.sent = frame[2];
    }
    e.sent = Math.max(e.sent, e.acked);
    if (e.acked >= e.file.size) e.done = true;
    pump(e);
  }

  // up resumes the entries after a rejoin: what was sent and not acked
  // may be lost. A view the server lost answers "unknown upload".
  function up() {
    entries.forEach((e) => {
      if (e.final) report(e, e.final, true);
      if (e.done || e.xhr) return;
      e.sent = e.acked;
      e.resuming = true;
      pump(e);
    });
  }

  // previews points each preview img at its entry's file. A finished
  // entry the page no longer shows is forgotten, its object URL released.
  function previews() {
    const shown = new Set();
    root.querySelectorAll(`[${ATTR_UPLOAD_PREVIEW}]`).forEach((img) => {
      const e = entries.get(Number(img.getAttribute(ATTR_UPLOAD_PREVIEW)));
      if (!e) return;
      shown.add(e);
      if (!e.url) e.url = URL.createObjectURL(e.file);
      if (img.getAttribute("src") !== e.url) img.setAttribute("src", e.url);
    });
    entries.forEach((e) => {
      if (!e.done || shown.has(e)) return;
      if (e.url) URL.revokeObjectURL(e.url);
      entries.delete(e.ref);
    });
  }

  root.addEventListener("change", (ev) => {
    const input = ev.target;
    if (!input.hasAttribute || !input.hasAttribute(ATTR_UPLOAD) || !input.files) return;
    const files = Array.from(input.files);
    input.value = ""; // so that picking the same file again is a change
    announce(input.getAttribute(ATTR_UPLOAD), files);
  });

  const dropTarget = (ev) => ev.target.closest && ev.target.closest(`[${ATTR_DROP_TARGET}]`);
  const hasFiles = (ev) => ev.dataTransfer && Array.from(ev.dataTransfer.types || []).indexOf("Files") >= 0;
  root.addEventListener("dragover", (ev) => {
    const t = dropTarget(ev);
    if (!t || !hasFiles(ev)) return;
    ev.preventDefault(); // allows the drop
    t.classList.add(CLASS_DROP_ACTIVE);
  });
  root.addEventListener("dragleave", (ev) => {
    const t = dropTarget(ev);
    if (t && !t.contains(ev.relatedTarget)) t.classList.remove(CLASS_DROP_ACTIVE);
  });
  root.addEventListener("drop", (ev) => {
    const t = dropTarget(ev);
    if (!t) return;
    ev.preventDefault(); // or the browser opens the file
    t.classList.remove(CLASS_DROP_ACTIVE);
    announce(t.getAttribute(ATTR_DROP_TARGET), Array.from(ev.dataTransfer.files || []));
  });

  return { ack, up, after: previews };
}
