/* 适老化: the header's 大字版 switch. Larger text and spacing, remembered (localStorage)
 * from page to page. Loaded in <head>, before the first paint; without JavaScript the switch
 * stays hidden and every page still reads at 200% zoom. */
(function () {
  "use strict";
  var root = document.documentElement, KEY = "disclose-type";
  try { if (localStorage.getItem(KEY) === "large") root.classList.add("large-type"); } catch (e) { /* storage off */ }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("type-switch");
    if (!button) return;
    function show() { button.setAttribute("aria-pressed", root.classList.contains("large-type") ? "true" : "false"); }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var large = root.classList.toggle("large-type");
      try { localStorage.setItem(KEY, large ? "large" : "standard"); } catch (e) { /* this page only */ }
      show();
    });
  });
})();
