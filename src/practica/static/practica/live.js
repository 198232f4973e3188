// Live sessions: applies the session's stream events to the page (questions, votes, order, pins,
// moderation, notes, participant count). Every page works without this file: forms post, and a
// Refresh link reloads the queue. Per-viewer controls come from <template> elements the server
// rendered for this viewer; question and note data come from the stream as JSON whose HTML parts
// (body_html, answer_html) the server has already sanitised.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  function $(sel, el) { return (el || document).querySelector(sel); }
  function $$(sel, el) { return Array.prototype.slice.call((el || document).querySelectorAll(sel)); }

  function presence(count) {
    $$("[data-presence]").forEach(function (el) { el.hidden = false; });
    $$("[data-presence-count]").forEach(function (el) { el.textContent = String(count); });
  }

  function follow(name, seq, onEvent, withPresence) {
    if (!name || !window.PracticaStream) return;
    window.PracticaStream.open(name, {
      after: parseInt(seq || "0", 10) || 0,
      onEvent: onEvent,
      onPresence: withPresence === false ? function () {} : presence,
      onReset: function () { window.location.reload(); }
    });
  }

  // --- The presenter view: refetch the stage (one small fragment) when anything changes. -------
  function presenter(root) {
    var pending = null;
    function refresh() {
      pending = null;
      fetch(root.getAttribute("data-refresh-url"), {headers: {"HX-Request": "true"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) return;
          var stage = document.getElementById("present-stage");
          var box = document.createElement("div");
          box.innerHTML = html;
          var fresh = box.querySelector("#present-stage");
          if (stage && fresh) stage.replaceWith(fresh);
        });
    }
    follow(root.getAttribute("data-stream"), root.getAttribute("data-stream-seq"), function () {
      if (!pending) pending = setTimeout(refresh, 250);
    });
  }

  // --- The session page -----------------------------------------------------------------------
  function sessionPage(root) {
    var me = root.getAttribute("data-me");
    var isMod = root.hasAttribute("data-mod-stream");
    var sort = root.getAttribute("data-sort") || "votes";
    var notesOrder = root.getAttribute("data-notes-order") || "newest";

    function plural(n) { return n === 1 ? "vote" : "votes"; }

    function build(id) {
      var tpl = document.getElementById("live-question-template");
      var el = tpl.content.firstElementChild.cloneNode(true);
      el.id = "q-" + id;
      el.setAttribute("data-id", id);
      $$("form", el).forEach(function (f) {
        ["action", "hx-post"].forEach(function (attr) {
          var v = f.getAttribute(attr);
          if (v) f.setAttribute(attr, v.replace("/q/0/", "/q/" + id + "/"));
        });
      });
      $$("a[href]", el).forEach(function (a) {
        a.setAttribute("href", a.getAttribute("href").replace("/q/0/", "/q/" + id + "/").replace("quote=0", "quote=" + id));
        if (a.hasAttribute("data-quote")) a.setAttribute("data-quote", id);
      });
      $$("input[name=ids]", el).forEach(function (i) { i.value = id; });
      $$("textarea", el).forEach(function (t) { t.id = "answer-" + id; });
      $$("label[for='answer-0']", el).forEach(function (l) { l.setAttribute("for", "answer-" + id); });
      if (window.htmx) window.htmx.process(el);
      return el;
    }

    function badge(text, cls) {
      var b = document.createElement("span");
      b.className = "badge" + (cls ? " " + cls : "");
      b.textContent = text;
      return b;
    }

    function fill(el, q) {
      el.setAttribute("data-votes", q.votes);
      el.setAttribute("data-created", q.created_at);
      el.className = "live-q live-q--" + q.state + (q.pinned ? " is-pinned" : "");
      var body = $("[data-slot=body]", el);
      if (body) body.innerHTML = q.body_html;
      setCount(el, q.votes);
      var who = $("[data-slot=author]", el);
      if (who) {
        who.textContent = "";
        if (q.author) {
          var a = document.createElement("a");
          a.href = q.author.url;
          a.textContent = q.author.name;
          who.appendChild(a);
        } else {
          who.textContent = "Anonymous";
        }
      }
      var badges = $("[data-slot=badges]", el);
      if (badges) {
        badges.textContent = "";
        if (q.pinned) badges.appendChild(badge("Answering now", "badge--live"));
        if (q.state === "answered") badges.appendChild(badge("✓ Answered", "badge--solved"));
        if (q.state === "pending") badges.appendChild(badge("Waiting for approval"));
        if (q.edited) badges.appendChild(badge("edited"));
      }
      var answer = $("[data-slot=answer]", el);
      if (answer) {
        answer.innerHTML = q.answer_html || "";
        answer.hidden = !q.answer_html;
      }
      if (q.author && String(q.author.id) === me) {
        var vf = $("[data-vote-form]", el);
        if (vf) vf.remove();
      }
      $$("input[name=action]", el).forEach(function (input) {
        if (input.value === "pin" || input.value === "unpin") {
          input.value = q.pinned ? "unpin" : "pin";
          var button = input.form && input.form.querySelector("button");
          if (button) { button.textContent = q.pinned ? "Unpin" : "Pin"; button.setAttribute("data-action", input.value); }
        }
      });
      if (q.state === "answered") {
        var details = $(".live-q__answer-form", el);
        if (details) details.remove();
      }
    }

    function setCount(el, votes) {
      el.setAttribute("data-votes", votes);
      var count = $("[data-slot=votes]", el);
      if (count) count.textContent = String(votes);
      var label = $(".live-q__label", el);
      if (label) label.textContent = plural(votes);
    }

    function key(el) {
      return [parseInt(el.getAttribute("data-votes"), 10) || 0, el.getAttribute("data-created") || "",
              parseInt(el.getAttribute("data-id"), 10) || 0];
    }

    function reorder() {
      var list = document.getElementById("live-queue");
      if (!list) return;
      var items = $$(":scope > .live-q", list);
      var sorted = items.slice().sort(function (a, b) {
        var ka = key(a), kb = key(b);
        if (sort === "recent") return ka[1] < kb[1] ? 1 : ka[1] > kb[1] ? -1 : kb[2] - ka[2];
        if (ka[0] !== kb[0]) return kb[0] - ka[0];
        if (ka[1] !== kb[1]) return ka[1] < kb[1] ? -1 : 1;
        return ka[2] - kb[2];
      });
      var changed = sorted.some(function (el, i) { return el !== items[i]; });
      if (changed) sorted.forEach(function (el) { list.appendChild(el); });
      tidy();
    }

    function tidy() {
      var queue = document.getElementById("live-queue");
      var n = queue ? $$(":scope > .live-q", queue).length : 0;
      $$("[data-queue-count]").forEach(function (c) { c.textContent = String(n); });
      var empty = $("[data-queue-empty]");
      if (empty) empty.hidden = n > 0;
      var answered = document.getElementById("live-answered");
      var done = answered ? $$(":scope > .live-q", answered).length : 0;
      $$("[data-answered-count]").forEach(function (c) { c.textContent = String(done); });
      $$("[data-answered-head]").forEach(function (h) { h.hidden = done === 0; });
      var now = document.getElementById("live-now");
      var pinned = document.getElementById("live-pinned");
      if (now && pinned) now.classList.toggle("is-empty", !pinned.querySelector(".live-q"));
    }

    function place(el, q) {
      var target;
      if (q.pinned) target = document.getElementById("live-pinned");
      else if (q.state === "answered") target = document.getElementById("live-answered");
      else if (q.state === "pending") target = document.getElementById("live-pending");
      else target = document.getElementById("live-queue");
      if (!target) { el.remove(); tidy(); return; }
      if (el.parentNode !== target) {
        if (q.state === "answered" && !q.pinned) target.insertBefore(el, target.firstChild);
        else target.appendChild(el);
      }
      reorder();
    }

    function upsert(q) {
      var visible = q.state === "approved" || q.state === "answered" || (isMod && q.state === "pending");
      var el = document.getElementById("q-" + q.id);
      if (!visible) {
        if (el && !el.closest(".live-closed")) el.remove();
        tidy();
        return;
      }
      if (!el) el = build(q.id);
      fill(el, q);
      place(el, q);
    }

    function upsertNote(n) {
      var list = document.getElementById("live-note-list");
      if (!list) return;
      var el = document.getElementById("note-" + n.id);
      if (!el) {
        var tpl = document.getElementById("live-note-template");
        el = tpl.content.firstElementChild.cloneNode(true);
        el.id = "note-" + n.id;
        el.setAttribute("data-id", n.id);
        var time = $("[data-slot=time]", el);
        if (time) {
          var at = new Date(n.created_at);
          time.setAttribute("datetime", n.created_at);
          time.textContent = at.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
        }
        var who = $("[data-slot=author]", el);
        if (who) who.textContent = n.author ? n.author.name : "";
        if (notesOrder === "newest") list.insertBefore(el, list.firstChild); else list.appendChild(el);
      }
      var body = $("[data-slot=body]", el);
      if (body) body.innerHTML = n.body_html;
      var edited = $("[data-slot=edited]", el);
      if (edited) edited.hidden = !n.edited;
      var empty = $("[data-notes-empty]");
      if (empty) empty.remove();
    }

    function onEvent(evt) {
      var data = evt.data || {};
      switch (evt.event) {
        case "question.submitted":
        case "question.updated": upsert(data); break;
        case "question.removed":
          var gone = document.getElementById("q-" + data.id);
          if (gone) gone.remove();
          tidy();
          break;
        case "question.votes":
          var el = document.getElementById("q-" + data.id);
          if (el) { setCount(el, data.votes); reorder(); }
          break;
        case "note.posted":
        case "note.updated": upsertNote(data); break;
        case "session.updated":
          if (data.status && data.status !== root.getAttribute("data-status")) window.location.reload();
          break;
      }
    }

    follow(root.getAttribute("data-stream"), root.getAttribute("data-stream-seq"), onEvent);
    if (isMod) follow(root.getAttribute("data-mod-stream"), root.getAttribute("data-mod-stream-seq"), onEvent, false);

    // Quote a question into a note without leaving the page.
    document.addEventListener("click", function (e) {
      var link = e.target.closest && e.target.closest("[data-quote]");
      if (!link) return;
      var form = $(".live-note-form");
      if (!form) return;
      e.preventDefault();
      var q = document.getElementById("q-" + link.getAttribute("data-quote"));
      $("[data-quoted]", form).value = link.getAttribute("data-quote");
      var note = $("[data-quoting]", form);
      var body = q && $("[data-slot=body]", q);
      $("[data-quoting-text]", form).textContent = body ? body.textContent.trim().slice(0, 80) : "";
      note.hidden = false;
      var area = $("textarea", form);
      if (area) area.focus();
    });
  }

  ready(function () {
    var root = document.getElementById("live");
    if (!root) return;
    if (root.hasAttribute("data-present")) presenter(root); else sessionPage(root);
  });
})();
