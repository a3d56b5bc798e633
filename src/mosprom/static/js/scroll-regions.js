// A box that scrolls sideways (a wide table or chart on a phone: .table-wrap, .chart) must be reachable from the
// keyboard, or its hidden columns cannot be scrolled into view without a mouse (WCAG 2.1.1; axe's
// scrollable-region-focusable). While — and only while — a box overflows, it gets tabindex="0", and a region role
// named after its table's caption or the heading above it, so a screen reader says what the stop is (a group role
// when the section around it already is a landmark of that name).
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

  // The name of the nearest named landmark around the box (a <section> labelled by its heading, or a region).
  function landmarkName(box) {
    for (var el = box.parentElement; el && el.tagName !== "MAIN"; el = el.parentElement) {
      if (el.tagName === "SECTION" || el.getAttribute("role") === "region") {
        var by = el.getAttribute("aria-labelledby");
        var heading = by && document.getElementById(by);
        if (heading) { return heading.textContent.trim(); }
        if (el.getAttribute("aria-label")) { return el.getAttribute("aria-label").trim(); }
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
          // Inside a section already named the same (a dashboard section and its one table), a second region of
          // that name would be a duplicate landmark (axe: landmark-unique): the box is a named group instead.
          box.setAttribute("role", label === landmarkName(box) ? "group" : "region");
          box.setAttribute("aria-label", label);
          box.setAttribute("data-scroll-named", "");
        }
      } else if (!scrolls && box.hasAttribute("data-scroll-region")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-region");
        if (box.hasAttribute("data-scroll-named")) {
          box.removeAttribute("data-scroll-named");
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
