// The header's menu on a phone, GOV.UK's way: without JavaScript every link is simply shown (the button stays
// hidden); with it, this file — loaded in <head>, not deferred — marks <html class="js"> before the page is drawn,
// so the stylesheet folds the links behind one <button aria-expanded> at narrow widths without a flash.
// The Content-Security-Policy forbids inline scripts, hence a file of its own.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function ready() {
    var button = document.querySelector("[data-menu-toggle]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    button.hidden = false;
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the open menu and gives focus back to its button.
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
