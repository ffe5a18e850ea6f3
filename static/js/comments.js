// Comments under an article. The article is cached and carries the comment form as a <template>
// with nothing of a reader's in it: when the reader starts to comment (focus or click on the box,
// "发表评论" or "回复"), the script asks for the form's tokens (a captcha, the form's stamp and the
// CSRF token: a small JSON answer), fills in a copy of the form and shows it. The form is posted
// with fetch; every answer is a fragment to show in place.
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

  function wire(slot) {
    slot.classList.add("is-open");
    startCounter(slot);
    var form = slot.querySelector("[data-comment-form]");
    if (form) form.addEventListener("submit", submit);
  }

  function showFragment(slot, html) {
    slot.innerHTML = html;
    var posted = slot.querySelector("[data-comment-posted]");
    if (posted) return afterPosted(posted);
    wire(slot);
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

  // Django's truncatechars, as the comment page shows the comment replied to.
  function truncate(text, length) {
    var chars = Array.from(text.trim());
    return chars.length > length ? chars.slice(0, length - 1).join("") + "…" : chars.join("");
  }

  var start = document.querySelector("[data-comment-slot][data-tokens-url]");
  var template = document.querySelector("template[data-comment-form-template]");

  function formFor(parentId, tokens) {
    var copy = template.content.cloneNode(true);
    var form = copy.querySelector("[data-comment-form]");
    var here = start.dataset.pageUrl + "#comment-form"; // where the links lead without the script
    form.action = start.dataset.pageUrl;
    form.elements.csrfmiddlewaretoken.value = tokens.csrf_token;
    form.elements.stamp.value = tokens.stamp;
    window.siteCaptcha.show(form.querySelector("[data-captcha]"), tokens.captcha);
    form.querySelector("[data-captcha-refresh]").href = here;
    if (parentId) {
      var comment = document.getElementById("comment-" + parentId);
      var text = comment.querySelector(".comment-text");
      var replying = form.querySelector("[data-comment-replying]");
      form.elements.parent.value = parentId;
      replying.querySelector("[data-reply-nickname]").textContent = comment.querySelector(".comment-author").textContent;
      replying.querySelector("[data-reply-text]").textContent = truncate(text ? text.textContent : "", 40);
      replying.querySelector("[data-comment-cancel-reply]").href = here;
      replying.hidden = false;
    }
    return copy;
  }

  function showClosed(slot, message) {
    var closed = document.createElement("p");
    closed.className = "comment-closed";
    closed.textContent = message;
    slot.replaceChildren(closed);
  }

  function open(slot, parentId) {
    if (slot.dataset.loading) return;
    slot.dataset.loading = "1";
    var trigger = document.activeElement;
    fetch(start.dataset.tokensUrl, { headers: FRAGMENT, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok && response.status !== 403) throw new Error(response.status);
        return response.json();
      })
      .then(function (tokens) {
        if (tokens.closed) return showClosed(slot, tokens.closed);
        slot.replaceChildren(formFor(parentId, tokens));
        wire(slot);
        // Into the form, unless the reader has moved on meanwhile (the links it replaced leave
        // focus on <body>): a keyboard user who tabbed past keeps their place.
        var area = slot.querySelector("textarea");
        var focused = document.activeElement;
        if (area && (!focused || focused === document.body || focused === trigger)) area.focus();
      })
      .catch(function () {
        delete slot.dataset.loading;
        window.location.href = start.dataset.pageUrl + (parentId ? "?parent=" + parentId : "") + "#comment-form";
      });
  }

  // Comment page (the form is already there): counter and in-place posting.
  document.querySelectorAll("[data-comment-form]").forEach(function (form) {
    var wrap = form.closest("[data-comment-form-wrap]").parentNode;
    wrap.setAttribute("data-comment-slot", "");
    startCounter(wrap);
    form.addEventListener("submit", submit);
  });

  if (!start || !template) return;
  var begin = function (event) {
    event.preventDefault();
    open(start, null);
  };
  start.querySelectorAll("[data-comment-start]").forEach(function (link) {
    link.addEventListener("click", begin);
    link.addEventListener("focus", begin);
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : event.target.parentElement;
    var reply = target.closest("[data-comment-reply]");
    var cancel = target.closest("#comment-reply-slot [data-comment-cancel-reply]");
    if (cancel) {
      event.preventDefault();
      var replySlot = document.getElementById("comment-reply-slot");
      var link = replySlot.parentNode.querySelector("[data-comment-reply]");
      replySlot.remove();
      if (link) link.focus();
      return;
    }
    if (!reply) return;
    event.preventDefault();
    var item = document.getElementById("comment-" + reply.dataset.commentReply);
    var slot = document.getElementById("comment-reply-slot") || document.createElement("div");
    slot.id = "comment-reply-slot";
    slot.className = "comment-reply-slot";
    slot.setAttribute("data-comment-slot", "");
    delete slot.dataset.loading;
    item.appendChild(slot);
    open(slot, reply.dataset.commentReply);
  });
})();
