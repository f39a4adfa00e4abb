/* 适老化: the header's 大字版 switch. Larger text and spacing, remembered (localStorage)
 * from page to page; the choice is applied before the first paint by the line in <head>
 * (large_type_head.html). Without JavaScript the switch is not shown and every page still
 * reads at 200% zoom. */
(function () {
  "use strict";
  var root = document.documentElement, button = document.getElementById("type-switch");
  if (!button) return;
  function show() { button.setAttribute("aria-pressed", root.classList.contains("large-type") ? "true" : "false"); }
  show();
  button.addEventListener("click", function () {
    var large = root.classList.toggle("large-type");
    try { localStorage.setItem("disclose-type", large ? "large" : "standard"); } catch (e) { /* this page only */ }
    show();
  });
})();
