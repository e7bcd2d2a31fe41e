// The search page: Pagefind's UI over the index built with the site (per language, offline).
(function () {
  var me = document.currentScript;
  window.addEventListener("DOMContentLoaded", function () {
    // the words of the page's language, from kzgraph's catalogues (Pagefind has no Kazakh)
    new PagefindUI({ element: "#search", bundlePath: me.dataset.bundle, showSubResults: true,
                     showImages: false, resetStyles: false,
                     translations: JSON.parse(me.dataset.words || "{}") });
    // the search box named by the page's heading (a visible label, not only a title)
    var box = document.querySelector("#search input");
    if (box) box.setAttribute("aria-labelledby", "search-heading search-intro");
  });
})();
