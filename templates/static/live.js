// Live updates (api/dashboard_live.py): a region marked data-live-src listens to its
// Server-Sent Events and, on "changed", fetches itself again with htmx from the page's own
// route (which answers an HX-Request with the region only). Its status line (role="status",
// polite) says when it was updated and what it now shows. Without JavaScript, EventSource
// or htmx the page stays as the server rendered it.
(function () {
  "use strict";
  var DEBOUNCE_MS = 300;

  function clock() {
    return new Date().toLocaleTimeString("sv-SE", {hour: "2-digit", minute: "2-digit",
                                                   timeZone: "Europe/Stockholm"});
  }

  function listen(region) {
    var status = document.getElementById(region.getAttribute("data-live-status"));
    var url = region.getAttribute("data-live-fragment");
    var waiting = null;
    var pending = false;

    function refresh() {
      waiting = null;
      // Never under the person's hands: a form being filled in waits until they leave it.
      if (region.contains(document.activeElement)) {
        pending = true;
        return;
      }
      pending = false;
      region.setAttribute("aria-busy", "true");
      window.htmx.ajax("GET", url, {target: region, swap: "innerHTML"}).then(function () {
        region.setAttribute("aria-busy", "false");
        var summary = region.querySelector("[data-live-summary]");
        if (status) {
          status.textContent = "Uppdaterat " + clock() +
            (summary ? ": " + summary.getAttribute("data-live-summary") : "");
        }
      }, function () {
        region.setAttribute("aria-busy", "false");
        if (status) { status.textContent = "Kunde inte uppdatera; ladda om sidan."; }
      });
    }

    region.addEventListener("focusout", function () {
      if (pending) { window.setTimeout(refresh, 0); }
    });
    var source = new EventSource(region.getAttribute("data-live-src"));
    source.addEventListener("changed", function () {
      if (waiting === null) { waiting = window.setTimeout(refresh, DEBOUNCE_MS); }
    });
    // Signed out, or the page is no longer the person's: stop (a time limit's "end"
    // reconnects by itself with Last-Event-ID).
    source.addEventListener("stop", function () { source.close(); });
    region.setAttribute("data-live-state", "ansluten");
  }

  function start() {
    if (!window.EventSource || !window.htmx) { return; }
    var regions = document.querySelectorAll("[data-live-src]");
    for (var i = 0; i < regions.length; i++) { listen(regions[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
