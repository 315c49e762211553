// Page behaviour without inline handlers (Content-Security-Policy: script-src 'self').
//   data-confirm="…"        on a button/link: ask before it acts
//   data-print              on a button: print the page
//   data-autosubmit         on a select: submit its form when changed
//   data-copy="#id"         on a button: copy the value of the element #id
//   data-set-field="name" data-set-value="v"  on a submit button: set form.name = v before submitting
//   data-width="42"         on an element: style.width = 42% (progress bars; htmx swaps included)
//   data-select             on an input: select its text when clicked (a link or secret to copy)
//   data-back               on a link: go back a page (its href is where to go without history)
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-confirm],[data-print],[data-copy],[data-set-field],[data-select],[data-back]");
    if (!el) return;
    if (el.hasAttribute("data-back") && window.history.length > 1) { ev.preventDefault(); window.history.back(); return; }
    if (el.hasAttribute("data-select") && el.select) { el.select(); return; }
    if (el.hasAttribute("data-confirm") && !window.confirm(el.getAttribute("data-confirm"))) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
      return;
    }
    if (el.hasAttribute("data-print")) { ev.preventDefault(); window.print(); }
    if (el.hasAttribute("data-copy")) {
      ev.preventDefault();
      var src = document.querySelector(el.getAttribute("data-copy"));
      if (src && navigator.clipboard) navigator.clipboard.writeText(src.value || src.textContent);
    }
    if (el.hasAttribute("data-set-field") && el.form) {
      var field = el.form.elements[el.getAttribute("data-set-field")];
      if (field) field.value = el.getAttribute("data-set-value") || "";
    }
  }, true);
  document.addEventListener("change", function (ev) {
    var el = ev.target.closest("[data-autosubmit]");
    if (el && el.form) el.form.submit();
  });
  function widths(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = Math.max(0, Math.min(100, Number(el.getAttribute("data-width")) || 0)) + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { widths(document); });
  document.addEventListener("htmx:load", function (ev) { widths(ev.target); });
})();
