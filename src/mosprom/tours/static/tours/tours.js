// A double-clicked submit sends the form once (the service is idempotent anyway).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.submitted) { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  setTimeout(function () { delete form.dataset.submitted; }, 4000);
});
