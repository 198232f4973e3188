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
