// A double-clicked submit sends the form once (the service is idempotent anyway).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.submitted) { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  setTimeout(function () { delete form.dataset.submitted; }, 4000);
});

// Filters are folded on phones and open on wider screens.
document.querySelectorAll("details[data-open-wide]").forEach(function (d) {
  if (window.matchMedia("(min-width: 760px)").matches) { d.open = true; }
});
