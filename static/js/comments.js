// Comments under an article. The article is cached and carries no form: when the reader starts to
// comment (focus or click on the box, "发表评论" or "回复"), the form is fetched as a fragment with
// its own captcha and CSRF token, and posted with fetch; every answer is a fragment to show in place.
// Without JavaScript the same links lead to the comment page, which works on its own.
(function () {
  if (!window.fetch || !window.FormData) return;
  var FRAGMENT = { "X-Requested-With": "XMLHttpRequest" };

  function startCounter(root) {
    var area = root.querySelector("textarea[data-counter]");
    if (!area) return;
    var counter = root.querySelector("[data-counter-for='" + area.id + "']");
    var max = parseInt(counter.dataset.max, 10);
    function update() {
      var used = Array.from(area.value).length;
      counter.textContent = used + " / " + max + " 字";
      counter.classList.toggle("over", used > max);
    }
    area.addEventListener("input", update);
    update();
  }

  function showFragment(slot, html) {
    slot.innerHTML = html;
    slot.classList.add("is-open");
    startCounter(slot);
    var posted = slot.querySelector("[data-comment-posted]");
    if (posted) return afterPosted(posted);
    var form = slot.querySelector("[data-comment-form]");
    if (form) form.addEventListener("submit", submit);
  }

  function afterPosted(posted) {
    var count = document.querySelector("[data-comment-count]");
    if (count && posted.dataset.commentCount) count.textContent = posted.dataset.commentCount;
    var template = posted.querySelector("template[data-new-comment]");
    if (!template) return;
    var list = document.querySelector("[data-comment-list]");
    if (posted.dataset.parent) {
      var parent = document.getElementById("comment-" + posted.dataset.parent);
      list = parent && parent.querySelector("[data-reply-list]");
    }
    if (!list) return;
    var empty = list.querySelector(".comment-empty");
    if (empty) empty.remove();
    list.appendChild(template.content.cloneNode(true));
  }

  function submit(event) {
    event.preventDefault();
    var form = event.target;
    var slot = form.closest("[data-comment-slot]");
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = "正在提交…";
    fetch(form.action, { method: "POST", body: new FormData(form), headers: FRAGMENT, credentials: "same-origin" })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        return response.text().then(function (html) {
          if (html.indexOf("data-comment-form-wrap") !== -1 || html.indexOf("data-comment-posted") !== -1) {
            showFragment(slot, html);
          } else {
            throw new Error(response.status + " " + type);
          }
        });
      })
      .catch(function () {
        // Too big, server error or offline: keep the form and what was typed.
        button.disabled = false;
        button.textContent = "发表评论";
        var note = form.querySelector(".comment-network-error") || document.createElement("p");
        note.className = "comment-errors comment-network-error";
        note.setAttribute("role", "alert");
        note.textContent = "提交失败（内容过长或网络问题），您填写的内容仍在，请检查后重试。";
        form.insertBefore(note, form.firstChild);
      });
  }

  function load(slot, url, focus) {
    if (slot.dataset.loading) return;
    slot.dataset.loading = "1";
    var trigger = document.activeElement;
    fetch(url, { headers: FRAGMENT, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.text(); })
      .then(function (html) {
        showFragment(slot, html);
        var area = slot.querySelector("textarea");
        // Into the form, unless the reader has moved on meanwhile (the links it replaced leave
        // focus on <body>): a keyboard user who tabbed past keeps their place.
        var here = document.activeElement;
        if (area && focus && (!here || here === document.body || here === trigger)) area.focus();
      })
      .catch(function () { delete slot.dataset.loading; window.location.href = url.replace("/form/", "/"); });
  }

  // Comment page (no fragment fetch needed): counter and in-place posting for the form already there.
  document.querySelectorAll("[data-comment-form]").forEach(function (form) {
    var wrap = form.closest("[data-comment-form-wrap]").parentNode;
    wrap.setAttribute("data-comment-slot", "");
    startCounter(wrap);
    form.addEventListener("submit", submit);
  });

  var start = document.querySelector("[data-comment-slot][data-form-url]");
  if (start) {
    var begin = function (event) {
      event.preventDefault();
      load(start, start.dataset.formUrl, true);
    };
    start.querySelectorAll("[data-comment-start]").forEach(function (link) {
      link.addEventListener("click", begin);
      link.addEventListener("focus", begin);
    });
  }

  document.addEventListener("click", function (event) {
    var reply = event.target.closest && event.target.closest("[data-comment-reply]");
    if (!reply || !start) return;
    event.preventDefault();
    var item = document.getElementById("comment-" + reply.dataset.commentReply);
    var slot = document.getElementById("comment-reply-slot") || document.createElement("div");
    slot.id = "comment-reply-slot";
    slot.className = "comment-reply-slot";
    slot.setAttribute("data-comment-slot", "");
    delete slot.dataset.loading;
    item.appendChild(slot);
    load(slot, start.dataset.formUrl + "?parent=" + reply.dataset.commentReply, true);
  });
})();
