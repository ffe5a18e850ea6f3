// Site-wide behaviour. Loaded (not deferred) right after the navigation, so that phones fold the menu
// before it is painted.
(function () {
  // Phones start with the menu folded; without JavaScript it stays open.
  var menu = document.querySelector(".nav-toggle");
  if (menu && window.matchMedia && window.matchMedia("(max-width: 640px)").matches) menu.open = false;

  // "返回上一页" on error pages: hidden without JavaScript, or when there is no page to go back to.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.history.length < 2) return;
    document.querySelectorAll("[data-history-back]").forEach(function (wrap) {
      wrap.hidden = false;
      wrap.querySelector("a").addEventListener("click", function (event) {
        event.preventDefault();
        window.history.back();
      });
    });
  });
})();
