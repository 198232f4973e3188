// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", String(!open));
        nav.classList.toggle("is-open", !open);
      });
    }
    // Images into posts: upload, then insert the markdown at the cursor (without JavaScript the
    // control stays hidden and posts are text only).
    document.querySelectorAll("[data-image-upload]").forEach(function (tools) {
      tools.hidden = false;
      var input = tools.querySelector("input[type=file]");
      var status = tools.querySelector("[data-upload-status]");
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        var area = document.getElementById(tools.getAttribute("data-target"));
        if (!file || !area) return;
        var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
        var data = new FormData();
        data.append("image", file);
        status.textContent = "Uploading " + file.name + "…";
        fetch(tools.getAttribute("data-url"), {method: "POST", body: data, headers: headers,
                                                credentials: "same-origin"})
          .then(function (r) { return r.json().then(function (body) { return [r.ok, body]; }); })
          .then(function (result) {
            if (!result[0]) { status.textContent = result[1].message || "That image was refused."; return; }
            var at = area.selectionStart || area.value.length;
            var text = "\n" + result[1].markdown + "\n";
            area.value = area.value.slice(0, at) + text + area.value.slice(at);
            area.dispatchEvent(new Event("input", {bubbles: true}));
            area.dispatchEvent(new Event("keyup", {bubbles: true}));
            status.textContent = "Added " + file.name + ".";
          })
          .catch(function () { status.textContent = "The upload failed; try again."; })
          .finally(function () { input.value = ""; });
      });
    });
    // Destructive forms ask first: <form data-confirm="Remove …?">. Without JavaScript they post.
    document.addEventListener("submit", function (e) {
      var form = e.target;
      var question = form.getAttribute && form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) e.preventDefault();
    }, true);
    document.addEventListener("focusin", function (e) {
      if (e.target.matches && e.target.matches("[data-select-on-focus]")) e.target.select();
    });
    // Close an open menu when clicking elsewhere or pressing Escape.
    document.addEventListener("click", function (e) {
      document.querySelectorAll("details.menu[open]").forEach(function (d) {
        if (!d.contains(e.target)) d.removeAttribute("open");
      });
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape") document.querySelectorAll("details.menu[open]").forEach(function (d) {
        d.removeAttribute("open");
      });
    });
  });
})();
// Filters that apply on change: <select data-autosubmit> (a Filter button shows without JavaScript).
document.addEventListener("change", function (e) {
  var el = e.target;
  if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.requestSubmit();
});
