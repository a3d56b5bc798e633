// Small behaviours bound from data attributes: the Content-Security-Policy forbids inline handlers (onclick=…).
// <button data-print> prints the page.
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
});

// <button data-confirm="Question?"> asks before its form is sent (cancelling a session, erasing one's data, moving
// a session): an irreversible action is never one slip of the thumb away.
document.addEventListener("click", function (event) {
  var button = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
