// Download links of a filtered list: the list's filters change in place (htmx), so at the
// moment of the click the link takes the form's current values. Without JavaScript the
// server-rendered link already carries the filters of the page.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-export-form]");
    if (!link) return;
    var form = document.getElementById(link.getAttribute("data-export-form"));
    if (!form) return;
    var params = new URLSearchParams(new FormData(form));
    link.href = link.href.split("?")[0] + "?" + params.toString();
  });
})();
