// Behaviour the templates used to write inline (onclick=, onsubmit=, hx-on): the Content-Security-Policy
// allows scripts from this site only, so pages mark elements with data- attributes and this file acts.
(function () {
  "use strict";
  // <form data-confirm="确定…？">: ask before submitting.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
    }
  }, true);
  // <button data-print>: print the page.
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-print]");
    if (button) {
      e.preventDefault();
      window.print();
    }
  });
  // <a hx-get=… data-remove-after-request>: the link goes away once its rows are loaded (tree expand).
  document.addEventListener("htmx:afterRequest", function (e) {
    var el = e.detail && e.detail.elt;
    if (el && el.hasAttribute && el.hasAttribute("data-remove-after-request") && e.detail.successful) {
      el.remove();
    }
  });
})();
