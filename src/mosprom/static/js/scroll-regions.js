// A box that scrolls sideways (a wide table or chart on a phone: .table-wrap, .chart) must be reachable from the
// keyboard, or its hidden columns cannot be scrolled into view without a mouse (WCAG 2.1.1; axe's
// scrollable-region-focusable). While — and only while — a box overflows, it gets tabindex="0", and a region role
// named after its table's caption or the heading above it, so a screen reader says what the stop is.
(function () {
  "use strict";
  var SELECTOR = ".table-wrap, .chart";

  function name(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    for (var el = box; el && el.tagName !== "MAIN"; el = el.parentElement) {
      for (var prev = el.previousElementSibling; prev; prev = prev.previousElementSibling) {
        if (/^H[1-6]$/.test(prev.tagName)) { return prev.textContent.trim(); }
      }
    }
    return "";
  }

  function update() {
    var boxes = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-region", "");
        var label = name(box);
        if (label && !box.hasAttribute("role")) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", label);
        }
      } else if (!scrolls && box.hasAttribute("data-scroll-region")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-region");
        if (box.getAttribute("role") === "region") {
          box.removeAttribute("role");
          box.removeAttribute("aria-label");
        }
      }
    }
  }

  var pending = null;
  function later() {
    if (pending) { window.cancelAnimationFrame(pending); }
    pending = window.requestAnimationFrame(update);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", update); } else { update(); }
  window.addEventListener("resize", later);
  // Sections shown later (a <details> opened, a tab chosen) may hold a wide table too.
  document.addEventListener("toggle", later, true);
})();
