// Counts this visit and shows the total, outside the article's own (cacheable) request.
(function () {
  var counter = document.querySelector("[data-views-url]");
  if (!counter || !window.fetch) return;
  fetch(counter.dataset.viewsUrl, { method: "POST", credentials: "omit" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) { if (data) counter.textContent = data.views; })
    .catch(function () {});
})();
