// "换一张" for every captcha rendered by portal.captcha: asks the refresh view for a new key instead
// of reloading the page (the link's own href, without JavaScript). Works for captchas inserted
// later (the comment form opens on demand), hence the delegated listener. `window.siteCaptcha.show`
// puts a drawn captcha ({key, image_url, image_2x_url}) in place; comments.js fills its form with it.
(function () {
  if (!window.fetch) return;

  function show(captcha, data) {
    captcha.querySelector("[data-captcha-key]").value = data.key;
    var image = captcha.querySelector("[data-captcha-image]");
    image.src = data.image_url;
    image.srcset = data.image_2x_url + " 2x";
    captcha.querySelector("[data-captcha-answer]").value = "";
  }
  window.siteCaptcha = { show: show };

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-captcha-refresh]");
    if (!link) return;
    var captcha = link.closest("[data-captcha]");
    if (!captcha) return;
    event.preventDefault();
    fetch(link.dataset.captchaRefresh, { headers: { "X-Requested-With": "XMLHttpRequest" }, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) {
        show(captcha, data);
        captcha.querySelector("[data-captcha-answer]").focus();
      })
      .catch(function () { link.textContent = "换一张（失败，请再试）"; });
  });
})();
