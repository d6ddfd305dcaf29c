// templive dev's client, added to every page by the dev proxy (never by an
// app): it follows the proxy's events. A stylesheet change swaps each
// stylesheet of this origin in place, the new one loaded before the old one
// goes, so nothing flashes and no state is lost; a rebuild needs nothing
// on a live page (its connection rejoins the restarted app and recovers
// the forms) and a reload of any other; a failed build is printed in the
// console.
(function () {
  "use strict";
  if (window.templiveDev) return;
  window.templiveDev = { swaps: 0 };
  var events = new EventSource("/_templive_dev/events");
  events.addEventListener("css", function () {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (old) {
      var url = new URL(old.href, location.href);
      if (url.origin !== location.origin) return;
      url.searchParams.set("templive-dev", String(Date.now()));
      var next = old.cloneNode();
      next.href = url.href;
      next.addEventListener("load", function () {
        old.remove();
        window.templiveDev.swaps++;
      });
      next.addEventListener("error", function () {
        next.remove();
      });
      old.after(next);
    });
  });
  events.addEventListener("built", function () {
    console.info("templive dev: rebuilt and restarted");
    // A live page rejoins the new process by itself and keeps its state;
    // a page with no live root (the build error page, a plain page of the
    // app) has none to keep and is loaded again.
    if (!document.querySelector("[live-root]")) location.reload();
  });
  events.addEventListener("failed", function (e) {
    console.error("templive dev: " + e.data);
  });
})();
