// 就业助手 管理后台: a little progressive enhancement. Every page works without this file.
(function () {
  "use strict";

  // Forms marked data-confirm ask before they post (retry a message, reject a posting, reveal personal data).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Links marked data-confirm (a download of personal data) ask too.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-confirm]") : null;
    if (link && !window.confirm(link.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // The review form: a rejection needs a reason; say so before the round trip.
  document.querySelectorAll("form.review").forEach(function (form) {
    var note = form.querySelector("textarea[name=note]");
    if (!note) return;
    form.querySelectorAll("button[name=decision]").forEach(function (button) {
      button.addEventListener("click", function () {
        note.required = button.value === "reject";
        if (note.required && !note.value.trim()) {
          note.setCustomValidity("驳回岗位时请填写原因");
        } else {
          note.setCustomValidity("");
        }
      });
    });
    note.addEventListener("input", function () { note.setCustomValidity(""); });
  });

  // Filter selects submit their form at once (the button stays for keyboard and no-script users).
  document.querySelectorAll("form.filters select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });

  // The import form: "hold for review" only means something for postings, the 届别 only for graduates.
  var kind = document.querySelector("form.upload select[name=kind]");
  if (kind) {
    var sync = function () {
      document.querySelectorAll("[data-kind]").forEach(function (el) {
        el.hidden = el.getAttribute("data-kind") !== kind.value;
      });
    };
    kind.addEventListener("change", sync);
    sync();
  }
})();
