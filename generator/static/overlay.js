/* disclose serve: shows the current build error over the page, and removes it when fixed. */
(function () {
  "use strict";
  var ID = "disclose-build-error";

  function show(status) {
    var old = document.getElementById(ID);
    if (old) old.remove();
    if (status.ok) return;
    var box = document.createElement("section");
    box.id = ID;
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", ID + "-title");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(27,27,27,.94);" +
      "color:#fff;font:15px/1.6 ui-monospace,Menlo,monospace;padding:2rem;";
    var title = document.createElement("h2");
    title.id = ID + "-title";
    title.textContent = "构建失败 / Build failed — 仍在显示上一次成功构建的页面";
    title.style.cssText = "color:#ffbe2e;font-size:1.3rem;margin:0 0 1rem;";
    box.appendChild(title);
    status.errors.forEach(function (error) {
      var item = document.createElement("div");
      item.className = "disclose-error";
      item.style.cssText = "margin:0 0 1.5rem;";
      var where = document.createElement("p");
      where.className = "disclose-error-location";
      where.style.cssText = "margin:0;color:#9fd4ff;";
      var loc = error.location;
      where.textContent = loc.path + (loc.line ? ":" + loc.line + ":" + (loc.column || 1) : "");
      var message = document.createElement("p");
      message.style.cssText = "margin:0 0 .5rem;";
      message.textContent = error.severity + ": " + error.message + (error.field ? " (at " + error.field + ")" : "") + " [" + error.rule + "]";
      item.appendChild(where);
      item.appendChild(message);
      if (error.snippet && error.snippet.length) {
        var pre = document.createElement("pre");
        pre.style.cssText = "margin:0;padding:.5rem;background:#000;white-space:pre-wrap;";
        error.snippet.forEach(function (line) {
          var row = document.createElement("span");
          row.style.cssText = "display:block;" + (line.here ? "background:#5c1a1a;" : "");
          row.textContent = (line.here ? "> " : "  ") + String(line.line).padStart(4, " ") + " | " + line.text;
          pre.appendChild(row);
        });
        item.appendChild(pre);
      }
      box.appendChild(item);
    });
    document.body.appendChild(box);
  }

  var generation = -1;
  function poll() {
    fetch("/__disclose__/status.json", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (status) {
      if (status.generation !== generation) { generation = status.generation; show(status); }
    }).catch(function () {});
  }
  poll();
  // livereload reloads the page after each build; polling also catches a failed build
  // that left the page as it was.
  setInterval(poll, 1000);
})();
