// The header search: instant results under the box (htmx fetches them), moved through with the
// arrow keys, opened with Enter, closed with Escape or a click elsewhere. Without this file the box
// is a plain form that opens the search page.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var form = document.querySelector("[data-instant-search]");
    if (!form) return;
    var input = form.querySelector("input[type=search]");
    var panel = document.getElementById(input.getAttribute("aria-controls"));
    var active = -1;

    function options() { return Array.prototype.slice.call(panel.querySelectorAll("[role=option]")); }
    function show(open) {
      panel.hidden = !open;
      input.setAttribute("aria-expanded", String(open));
      if (!open) select(-1);
    }
    function select(index) {
      var items = options();
      active = items.length ? Math.max(-1, Math.min(index, items.length - 1)) : -1;
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", String(i === active));
        item.classList.toggle("is-active", i === active);
      });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", items[active].id);
        items[active].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target !== panel) return;
      active = -1;
      show(input.value.trim() !== "" && options().length > 0);
    });
    input.addEventListener("input", function () { if (!input.value.trim()) show(false); });
    input.addEventListener("focus", function () { if (input.value.trim() && options().length) show(true); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (panel.hidden && options().length) show(true);
        select(active + (event.key === "ArrowDown" ? 1 : -1));
        event.preventDefault();
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.assign(options()[active].getAttribute("href"));
      } else if (event.key === "Escape") {
        show(false);
      }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) show(false);
    });
  });
})();
