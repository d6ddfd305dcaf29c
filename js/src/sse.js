// The fallback transport, for where a proxy refuses WebSockets: an object
// with the WebSocket API that socket.js uses (readyState, send, close,
// onopen, onmessage, onclose), whose frames come down as server-sent
// events on the page's URL and go up as POSTs to it. The frames, refs and
// guarantees are the WebSocket's: socket.js does not know the difference.
// A binary frame (an upload's chunk, a Uint8Array) goes up as a POST of
// STREAM_BINARY.
import { STREAM_BINARY, STREAM_CLOSE, STREAM_HEADER, STREAM_OPEN } from "./constants.js";

// streamSocket returns a WebSocket-like class built on win's EventSource
// and fetch, or null where there is no EventSource.
export function streamSocket(win) {
  const ES = win.EventSource;
  const fetch = win.fetch && win.fetch.bind(win);
  if (!ES || !fetch) return null;
  return class StreamSocket {
    constructor(wsURL) {
      this.url = wsURL.replace(/^ws/, "http"); // ws: -> http:, wss: -> https:
      this.readyState = 0;
      this.onopen = this.onmessage = this.onclose = null;
      this.id = "";
      this.queue = []; // frames to POST, one at a time so they arrive in order
      this.posting = false;
      const es = (this.es = new ES(this.url));
      es.addEventListener(STREAM_OPEN, (e) => {
        if (this.readyState !== 0) return;
        this.id = e.data;
        this.readyState = 1;
        if (this.onopen) this.onopen({});
      });
      es.onmessage = (e) => {
        if (this.readyState === 1 && this.onmessage) this.onmessage({ data: e.data });
      };
      es.addEventListener(STREAM_CLOSE, (e) => {
        let code = 1005;
        let reason = "";
        try {
          [code, reason] = JSON.parse(e.data);
        } catch (_) {
          // A malformed close is a close all the same.
        }
        this.end(code, reason);
      });
      // EventSource would reconnect on its own; socket.js decides instead.
      es.onerror = () => this.end(1006, "");
    }

    send(data) {
      if (this.readyState !== 1) throw new Error("templive: stream not open");
      this.queue.push(data);
      this.pump();
    }

    pump() {
      if (this.posting || !this.queue.length || this.readyState !== 1) return;
      this.posting = true;
      const body = this.queue.shift();
      fetch(this.url, {
        method: "POST",
        headers: { [STREAM_HEADER]: this.id, "Content-Type": typeof body === "string" ? "text/plain;charset=UTF-8" : STREAM_BINARY },
        body,
        credentials: "same-origin",
        cache: "no-store",
      }).then(
        (r) => {
          this.posting = false;
          // A frame that did not arrive ends the connection, as a broken
          // WebSocket would: the rejoin re-sends what is unanswered.
          if (!r.ok) return this.end(1006, `POST ${r.status}`);
          this.pump();
        },
        () => {
          this.posting = false;
          this.end(1006, "");
        },
      );
    }

    close() {
      this.end(1000, "", true);
    }

    end(code, reason, quiet) {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.queue = [];
      this.es.close();
      if (!quiet && this.onclose) this.onclose({ code, reason });
    }
  };
}
