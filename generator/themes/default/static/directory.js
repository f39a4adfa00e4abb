/* The home page's department directory: the filter box narrows the server-rendered lists
 * (every department is in the HTML; without JavaScript the box stays hidden). */
(function () {
  "use strict";
  var box = document.querySelector(".directory-filter");
  var directory = document.querySelector(".directory");
  if (!box || !directory) return;
  var input = box.querySelector("input"), count = document.getElementById("directory-count");
  var template = directory.getAttribute("data-count-template");
  var fold = function (text) { return (text || "").normalize("NFKC").toLowerCase().replace(/\s+/g, ""); };
  var items = [].slice.call(directory.querySelectorAll(".directory-list li"));
  var keys = items.map(function (li) {
    var region = li.closest(".directory-region").querySelector("h3").textContent;
    return fold(li.textContent + " " + region);
  });
  box.hidden = false;
  input.addEventListener("input", function () {
    var query = fold(input.value), shown = 0;
    items.forEach(function (li, index) {
      var match = !query || keys[index].indexOf(query) >= 0;
      li.hidden = !match;
      if (match) shown++;
    });
    [].forEach.call(directory.querySelectorAll(".directory-region"), function (section) {
      section.hidden = !section.querySelector("li:not([hidden])");
    });
    count.textContent = query ? template.replace("{n}", shown) : "";
  });
})();
