// The search page: Pagefind's UI over the index built with the site (per language, offline).
(function () {
  var me = document.currentScript;
  window.addEventListener("DOMContentLoaded", function () {
    new PagefindUI({ element: "#search", bundlePath: me.dataset.bundle, showSubResults: true,
                     showImages: false, resetStyles: false });
  });
})();
