// Streams: containers whose children the client owns (live-update="stream",
// "append" or "prepend"; docs/protocol.md, "Streams"), and the
// infinite-scroll events of such a container (live-viewport-top and
// live-viewport-bottom). patch.js hands batches here; the DOM updates of
// items already shown go back to it (morphdom stays there).
import {
  ATTR_STREAM,
  ATTR_UPDATE,
  ATTR_VIEWPORT_BOTTOM,
  ATTR_VIEWPORT_TOP,
  UPDATE_APPEND,
  UPDATE_PREPEND,
  UPDATE_STREAM,
} from "./constants.js";

// streamMode returns el's live-update mode, or "" for an ordinary element.
export function streamMode(el) {
  if (el.nodeType !== 1) return "";
  const m = el.getAttribute(ATTR_UPDATE);
  return m === UPDATE_STREAM || m === UPDATE_APPEND || m === UPDATE_PREPEND ? m : "";
}

// batchOf reads the batch that a rendered container (a morph's new copy)
// carries: its children are the items, its live-stream attribute the rest.
// A malformed attribute is an empty batch, as on the server.
export function batchOf(el, mode) {
  let m = {};
  if (mode === UPDATE_STREAM) {
    try {
      m = JSON.parse(el.getAttribute(ATTR_STREAM) || "{}") || {};
    } catch (_) {
      m = {};
    }
  }
  const at = m.a && typeof m.a === "object" ? m.a : {};
  const items = Array.from(el.children).map((c, k) => {
    // The id attribute, not c.id: a form item's field named id shadows it.
    const id = c.getAttribute("id") || "";
    const p = mode === UPDATE_PREPEND ? k : Number.isInteger(at[id]) && id ? at[id] : -1;
    return [id, p, [c]];
  });
  return {
    reset: m.r === true,
    limit: Number.isInteger(m.l) ? m.l : 0,
    deletes: Array.isArray(m.d) ? m.d.filter((d) => typeof d === "string") : [],
    items,
  };
}

// validBatch tells whether the fields of a stream op have their types.
export function validBatch(reset, limit, deletes, inserts) {
  return (
    (reset === 0 || reset === 1) &&
    Number.isInteger(limit) &&
    Array.isArray(deletes) &&
    deletes.every((d) => typeof d === "string") &&
    Array.isArray(inserts) &&
    inserts.every((i) => Array.isArray(i) && i.length === 3 && typeof i[0] === "string" && Number.isInteger(i[1]) && typeof i[2] === "string")
  );
}

// applyBatch applies a batch to the container box, in the order of the
// protocol: reset, deletes, inserts (items is [id, at, nodes] each; an id
// already in box is updated where it is), then the limit. h is
// {update(old, node), added(node), discarded(node)}.
export function applyBatch(box, { reset, limit, deletes, items }, h) {
  if (reset) {
    while (box.firstChild) remove(box, box.firstChild, h);
  }
  for (const id of deletes) {
    const c = childById(box, id);
    if (c) remove(box, c, h);
  }
  for (const [id, at, nodes] of items) {
    const old = childById(box, id);
    if (old && nodes.length === 1 && nodes[0].nodeType === 1 && nodes[0].localName === old.localName) {
      h.update(old, nodes[0]);
      continue;
    }
    const ref = old ? old.nextSibling : at >= 0 ? box.children[at] || null : null;
    if (old) remove(box, old, h);
    for (const c of nodes) {
      box.insertBefore(c, ref);
      h.added(c);
    }
  }
  if (limit) {
    const keep = Math.abs(limit);
    while (box.children.length > keep) {
      remove(box, limit < 0 ? box.firstElementChild : box.lastElementChild, h);
    }
  }
}

function remove(box, c, h) {
  box.removeChild(c);
  h.discarded(c);
}

// childById finds box's element child with that id: through the document's
// index when box is in it (a stream may hold many thousand items).
function childById(box, id) {
  if (!id) return null;
  if (box.isConnected) {
    const c = box.ownerDocument.getElementById(id);
    if (c && c.parentNode === box) return c;
  }
  for (const c of box.children) if (c.getAttribute("id") === id) return c;
  return null;
}

// The viewport bindings: attribute, the edge item it watches.
const EDGES = [
  [ATTR_VIEWPORT_TOP, (box) => box.firstElementChild],
  [ATTR_VIEWPORT_BOTTOM, (box) => box.lastElementChild],
];

// viewport watches the first and the last item of every container of root
// with live-viewport-top or live-viewport-bottom, and sends the event they
// name, through push (socket.js), when that item comes into view. One item
// sends one event: scrolling on past it, or back and forth, sends nothing
// more until another item is at the edge (the next page arrived), and no
// event is sent while the container's last one awaits its reply. It returns
// sync(), to call after every patch.
export function viewport(root, push) {
  const W = root.ownerDocument.defaultView;
  if (!W || !W.IntersectionObserver) return () => {};
  const seen = new WeakMap(); // box -> {attr: the item its event was sent for}
  const busy = new WeakSet(); // boxes whose event awaits its reply
  const io = new W.IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) reached(e.target);
    }
  });
  function reached(item) {
    const box = item.parentNode;
    if (!box || box.nodeType !== 1 || busy.has(box) || !root.contains(box)) return;
    for (const [attr, edge] of EDGES) {
      const name = box.getAttribute(attr);
      if (!name || edge(box) !== item) continue;
      const s = seen.get(box) || {};
      if (s[attr] === item) continue;
      s[attr] = item;
      seen.set(box, s);
      busy.add(box);
      push(name, {}, box, `${attr}-loading`, null, () => busy.delete(box));
      return;
    }
  }
  function sync() {
    io.disconnect();
    root.querySelectorAll(`[${ATTR_VIEWPORT_TOP}],[${ATTR_VIEWPORT_BOTTOM}]`).forEach((box) => {
      for (const [attr, edge] of EDGES) {
        const item = box.hasAttribute(attr) && edge(box);
        if (item) io.observe(item); // reports at once whether it is in view
      }
    });
  }
  sync();
  return sync;
}
