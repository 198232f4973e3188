// The review page's keys on a desktop: Space or Enter shows the point, 1-4 rate it (Again, Hard,
// Good, Easy). The page works without this file; no swipes, by design.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var panel = document.getElementById("review");
    if (!panel) return;
    if (event.key === " " || event.key === "Enter") {
      var reveal = panel.querySelector("[data-reveal]");
      if (reveal && target.tagName !== "A" && target.tagName !== "BUTTON") {
        event.preventDefault();
        reveal.click();
      }
      return;
    }
    if (/^[1-4]$/.test(event.key)) {
      var button = panel.querySelector('[data-ratings] [data-rating="' + event.key + '"]');
      if (button) {
        event.preventDefault();
        button.click();
      }
    }
  });
})();
