// Reading aids. Loaded (not deferred) with the header, so that a reader's 大字版 applies before the
// page is painted.
(function () {
  // 大字版: the choice is kept in this browser (localStorage), never sent to the server, so every
  // reader gets the same cached page. Without JavaScript the link shows the browser's own zoom keys.
  var KEY = "portal:large-text";
  var root = document.documentElement;
  var stored = null;
  try {
    stored = window.localStorage.getItem(KEY);
  } catch (error) {
    // Storage refused (private mode, policy): the control still works for this page.
  }
  if (stored === "1") root.classList.add("large-text");

  var control = document.querySelector("[data-text-size]");
  if (control) {
    control.setAttribute("role", "button");
    control.setAttribute("aria-pressed", String(stored === "1"));
    control.addEventListener("click", function (event) {
      event.preventDefault();
      var on = root.classList.toggle("large-text");
      control.setAttribute("aria-pressed", String(on));
      try {
        if (on) window.localStorage.setItem(KEY, "1");
        else window.localStorage.removeItem(KEY);
      } catch (error) {
        // As above: nothing to remember it in.
      }
    });
    // A link playing a button answers the space bar as a button does.
    control.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        control.click();
      }
    });
  }

  // The table of contents is shown beside the text on wide screens by CSS; opening it tells
  // screen readers so too.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia || !window.matchMedia("(min-width: 960px)").matches) return;
    document.querySelectorAll(".toc details").forEach(function (toc) {
      toc.open = true;
    });
  });
})();
