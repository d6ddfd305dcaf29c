// Fakes for the socket tests: a WebSocket that records what the client sends
// and lets a test play the server, a location, and a sessionStorage.
export class FakeWebSocket {
  static all = [];

  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.closed = false;
    FakeWebSocket.all.push(this);
  }

  static last() {
    return FakeWebSocket.all[FakeWebSocket.all.length - 1];
  }

  send(data) {
    if (this.readyState !== 1) throw new Error(`send in readyState ${this.readyState}`);
    this.sent.push(JSON.parse(data));
  }

  close() {
    this.closed = true;
    this.readyState = 3;
  }

  // The server's side.
  open() {
    this.readyState = 1;
    this.onopen && this.onopen({});
  }

  receive(frame) {
    this.onmessage && this.onmessage({ data: JSON.stringify(frame) });
  }

  drop() {
    this.closeWith(1006);
  }

  // The server closes the connection with code and reason.
  closeWith(code, reason = "") {
    this.readyState = 3;
    this.onclose && this.onclose({ code, reason });
  }
}

export function fakeLocation(href = "https://example.test/app/page?x=1") {
  const u = new URL(href);
  return {
    href: u.href,
    protocol: u.protocol,
    host: u.host,
    pathname: u.pathname,
    search: u.search,
    reloads: 0,
    reload() {
      this.reloads++;
    },
    assigned: [],
    assign(url) {
      this.assigned.push(url);
    },
  };
}

export function fakeStorage() {
  const m = new Map();
  return {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => m.set(k, String(v)),
    removeItem: (k) => m.delete(k),
  };
}

