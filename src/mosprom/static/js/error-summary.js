// GOV.UK's error summary habit, on every form: after a failed submission the summary is brought into view and
// focused (a phone's screen reader and eyes land on it), the page title says there is an error, and each link
// moves focus to its field.
(function () {
  "use strict";
  function ready() {
    var summary = document.querySelector(".error-summary");
    if (!summary) { return; }
    var prefix = summary.getAttribute("data-title-prefix");
    if (prefix && document.title.indexOf(prefix) !== 0) { document.title = prefix + " " + document.title; }
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
