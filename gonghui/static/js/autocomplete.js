// Loads tom-select once per page (also after an htmx swap) and turns every <select data-autocomplete-url>
// into a remote-search box. Included by the AutocompleteSelect widget (core/forms.py) as
// <script src=… data-limit data-css data-js>, so any template showing such a form gets it.
(function () {
  "use strict";
  var me = document.currentScript;
  var limit = parseInt(me.dataset.limit, 10);
  function init(root) {
    (root || document).querySelectorAll("select[data-autocomplete-url]:not(.tomselected)").forEach(function (el) {
      var url = el.dataset.autocompleteUrl;
      new TomSelect(el, {
        valueField: "value", labelField: "text", searchField: ["text"], maxOptions: limit,
        loadThrottle: 250, preload: "focus", plugins: el.multiple ? ["remove_button"] : [],
        placeholder: el.dataset.placeholder || "",
        load: function (query, callback) {
          fetch(url + "&q=" + encodeURIComponent(query), {credentials: "same-origin"})
            .then(function (r) { return r.json(); })
            .then(function (data) { callback(data.results); })
            .catch(function () { callback(); });
        },
        render: {
          no_results: function () { return '<div class="no-results">没有包含此关键字的名称（最多显示 ' + limit + ' 条）</div>'; },
          loading: function () { return '<div class="spinner-border spinner-border-sm m-2"></div>'; }
        }
      });
    });
  }
  if (window.TomSelect) { init(); return; }
  if (!window.__ghTomSelectLoading) {
    window.__ghTomSelectLoading = true;
    var css = document.createElement("link");
    css.rel = "stylesheet"; css.href = me.dataset.css;
    document.head.appendChild(css);
    var js = document.createElement("script");
    js.src = me.dataset.js;
    js.onload = function () {
      init();
      document.body.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
    };
    document.head.appendChild(js);
  }
})();
