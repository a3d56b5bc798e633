// Small behaviours bound from data attributes: the Content-Security-Policy forbids inline handlers (onclick=…).
// <button data-print> prints the page.
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
});
