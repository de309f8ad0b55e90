// Progressive enhancement of the photo upload page: while some upload is still being
// processed, fetch the page again every few seconds and swap in its list of uploads.
// Without JavaScript a reload does the same.
(function () {
  "use strict";
  function refresh() {
    var list = document.getElementById("recent-uploads");
    if (!list || !list.hasAttribute("data-pending")) {
      return;
    }
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("recent-uploads");
        if (fresh) {
          list.replaceWith(fresh);
          window.setTimeout(refresh, 3000);
        }
      });
  }
  window.setTimeout(refresh, 3000);
})();
