/* Practica event streams in the browser (see docs/streams.md).
 *
 *   const stream = window.PracticaStream.open("live:12", {
 *     after: 41,                       // the seq the page was rendered at (data-stream-seq)
 *     onEvent(evt) {},                 // {seq, event, data}: each seq once, in order (batches
 *                                      // are unpacked; skipped seqs are superseded vote counts)
 *     onPresence(count) {},            // people following the stream
 *     onReset() {},                    // too far behind: reload (the default when absent)
 *     onState(state) {},               // "connecting" | "open" | "reconnecting" | "closed"
 *   });
 *   stream.close();
 *
 * Reconnects with exponential backoff and jitter, resuming after the last seq seen. The element
 * with data-stream="<name>" gets data-stream-state, so the page can show the connection state.
 * A 4403 close (no longer allowed) is final. Loaded as a file: the CSP allows no inline script.
 */
(function () {
  "use strict";

  var FIRST_DELAY = 500; // ms before the first reconnection attempt (then doubled each time)
  var MAX_DELAY = 30000;
  var REFUSED = 4403;

  function toSeq(value) {
    if (value === undefined || value === null || value === "") return null;
    var n = parseInt(value, 10);
    return isNaN(n) ? null : n;
  }

  function open(name, options) {
    var opts = options || {};
    var last = toSeq(opts.after);
    var socket = null;
    var attempts = 0;
    var timer = null;
    var stopped = false;
    var element = null;
    var nodes = document.querySelectorAll("[data-stream]");
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].getAttribute("data-stream") === name) element = nodes[i];
    }

    function setState(state) {
      if (element) element.setAttribute("data-stream-state", state);
      if (opts.onState) opts.onState(state);
    }

    function url() {
      var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
      var query = last === null ? "" : "?after=" + last;
      return scheme + "//" + window.location.host + "/ws/streams/" + name + "/" + query;
    }

    function handle(message) {
      if (message.event === "hello") {
        attempts = 0;
        setState("open");
        if (last === null) last = message.seq;
        if (opts.onPresence) opts.onPresence(message.presence);
      } else if (message.event === "presence") {
        if (opts.onPresence) opts.onPresence(message.data.count);
      } else if (message.event === "reset") {
        last = message.seq;
        if (opts.onReset) opts.onReset();
        else window.location.reload();
      } else if (message.event === "batch") {
        for (var i = 0; i < message.data.events.length; i++) handle(message.data.events[i]);
      } else if (typeof message.seq === "number" && (last === null || message.seq > last)) {
        last = message.seq;
        if (opts.onEvent) opts.onEvent(message);
      }
    }

    function connect() {
      timer = null;
      if (stopped) return;
      setState(attempts ? "reconnecting" : "connecting");
      socket = new WebSocket(url());
      socket.onmessage = function (e) {
        var message;
        try {
          message = JSON.parse(e.data);
        } catch (err) {
          return;
        }
        handle(message);
      };
      socket.onclose = function (e) {
        socket = null;
        if (stopped) return;
        if (e.code === REFUSED) {
          stopped = true;
          setState("closed");
          return;
        }
        attempts += 1;
        var delay = Math.min(MAX_DELAY, FIRST_DELAY * Math.pow(2, attempts - 1));
        delay = delay / 2 + Math.random() * (delay / 2); // full jitter on the upper half
        setState("reconnecting");
        timer = window.setTimeout(connect, delay);
      };
    }

    function reconnectNow() {
      if (timer !== null && !stopped) {
        window.clearTimeout(timer);
        connect();
      }
    }
    window.addEventListener("online", reconnectNow);

    connect();

    return {
      get seq() {
        return last;
      },
      close: function () {
        stopped = true;
        window.removeEventListener("online", reconnectNow);
        if (timer !== null) window.clearTimeout(timer);
        if (socket) socket.close(1000);
        setState("closed");
      },
    };
  }

  window.PracticaStream = { open: open };
})();
