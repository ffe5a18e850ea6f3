// "换一张" for every captcha rendered by portal.captcha: asks simple-captcha's refresh view for a
// new key instead of reloading the page (the link's own href, without JavaScript). Works for
// captchas inserted later (the comment form is fetched on demand), hence the delegated listener.
(function () {
  if (!window.fetch) return;
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-captcha-refresh]");
    if (!link) return;
    var captcha = link.closest("[data-captcha]");
    if (!captcha) return;
    event.preventDefault();
    fetch(link.dataset.captchaRefresh, { headers: { "X-Requested-With": "XMLHttpRequest" }, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) {
        captcha.querySelector("[data-captcha-key]").value = data.key;
        var image = captcha.querySelector("[data-captcha-image]");
        image.src = data.image_url;
        image.removeAttribute("srcset");
        var answer = captcha.querySelector("[data-captcha-answer]");
        answer.value = "";
        answer.focus();
      })
      .catch(function () { link.textContent = "换一张（失败，请再试）"; });
  });
})();
