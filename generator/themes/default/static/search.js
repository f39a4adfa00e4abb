/* disclose search client: no dependencies, fetches only the index files a query needs.
 * Tokenizes exactly as generator/search/tokens.py; reads the files of generator/search/static.py. */
(function () {
  "use strict";

  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var RUN = new RegExp("[" + HAN + "]+|[a-z0-9]+", "g");
  var IS_HAN = new RegExp("^[" + HAN + "]");
  var FIELDS = 3; // title, code, body
  var WEIGHTS = [10, 10, 1];
  var PAGE = 10;

  /* Quotes, brackets and 、 between two Chinese characters join them (as tokens.py's JOINERS). */
  var JOINERS = "\"'\u201c\u201d\u2018\u2019\u300c\u300d\u300e\u300f\u301d\u301e()[]{}\u3010\u3011\u3014\u3015\u3016\u3017\u300a\u300b\u3008\u3009<>\u3001\u00b7\u30fb\u2022\u2027";
  var fold = {}; // traditional → simplified, for the characters of the index (search/fold.json)

  /* normalize(text) with, for each character of the result, its index in text. */
  function normalizeWithMap(text) {
    var chars = [], origin = [];
    text = text || "";
    for (var i = 0; i < text.length; i++) {
      var folded = text[i].normalize("NFKC").toLowerCase();
      for (var k = 0; k < folded.length; k++) {
        var c = folded[k];
        chars.push(fold.hasOwnProperty(c) ? fold[c] : c);
        origin.push(i);
      }
    }
    var out = "", map = [];
    for (var j = 0; j < chars.length; j++) {
      if (JOINERS.indexOf(chars[j]) >= 0 && out && IS_HAN.test(out[out.length - 1])) {
        var after = j + 1;
        while (after < chars.length && JOINERS.indexOf(chars[after]) >= 0) after++;
        if (after < chars.length && IS_HAN.test(chars[after])) continue;
      }
      out += chars[j];
      map.push(origin[j]);
    }
    return { text: out, map: map };
  }

  function normalize(text) { return normalizeWithMap(text).text; }

  function runs(text) { return normalize(text).match(RUN) || []; }

  var foldLoaded = null;
  function loadFold(url) {
    if (!foldLoaded) {
      foldLoaded = fetchJson(url).then(function (data) {
        var pairs = data.pairs || "";
        for (var i = 0; i + 1 < pairs.length; i += 2) fold[pairs[i]] = pairs[i + 1];
      });
    }
    return foldLoaded;
  }

  function runTerms(run) {
    if (!IS_HAN.test(run) || run.length === 1) return [run];
    var terms = [];
    for (var i = 0; i + 1 < run.length; i++) terms.push(run.slice(i, i + 2));
    return terms;
  }

  function queryParts(query) { return runs(query).map(runTerms); }

  function fnv1a(term) {
    var h = 0x811c9dc5;
    for (var i = 0; i < term.length; i++) {
      h ^= term.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function hex8(n) { return ("00000000" + n.toString(16)).slice(-8); }

  var cache = {};
  function fetchJson(url) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error(url + ": " + r.status);
        return r.json();
      });
    }
    return cache[url];
  }

  /* postings → {doc: [[title positions], [code positions], [body positions]]} */
  function decode(rows) {
    var out = {}, doc = 0;
    rows.forEach(function (row) {
      doc += row[0];
      var fields = [];
      for (var f = 0; f < FIELDS; f++) {
        var list = row[f + 1], abs = [], p = 0;
        if (list) list.forEach(function (d) { p += d; abs.push(p); });
        fields.push(abs);
      }
      out[doc] = fields;
    });
    return out;
  }

  function loadTerm(base, meta, term) {
    var hash = fnv1a(term);
    return fetchJson(base + "t/" + (hash % meta.shards) + ".json").then(function (shard) {
      var value = shard[term];
      if (value === undefined) return {};
      if (value === 1) return fetchJson(base + "b/" + hex8(hash) + ".json").then(decode);
      return decode(value);
    });
  }

  /* Which fields of a document hold the phrase, and how often. */
  function phraseCounts(postingsList, doc) {
    var counts = [0, 0, 0];
    for (var f = 0; f < FIELDS; f++) {
      var starts = postingsList[0][doc][f];
      starts.forEach(function (start) {
        for (var k = 1; k < postingsList.length; k++) {
          if (postingsList[k][doc][f].indexOf(start + k) < 0) return;
        }
        counts[f] += 1;
      });
    }
    return counts;
  }

  function matchPart(postingsList, total) {
    var docs = Object.keys(postingsList[0]).filter(function (doc) {
      return postingsList.every(function (p) { return p[doc] !== undefined; });
    });
    var found = {};
    var idf = Math.log(1 + total / Math.max(1, docs.length));
    docs.forEach(function (doc) {
      var counts = phraseCounts(postingsList, doc);
      if (counts[0] + counts[1] + counts[2] === 0) return;
      var score = 0;
      for (var f = 0; f < FIELDS; f++) if (counts[f]) score += WEIGHTS[f] * (1 + Math.log(counts[f])) * idf;
      found[doc] = score;
    });
    return found;
  }

  function inRanges(doc, ranges) {
    if (!ranges) return true;
    return ranges.some(function (r) { return doc >= r[0] && doc <= r[1]; });
  }

  function parseRanges(text) {
    if (!text) return null;
    return text.split(",").map(function (span) { return span.split("-").map(Number); });
  }

  function intersectRanges(a, b) {
    if (!a) return b;
    if (!b) return a;
    var out = [];
    a.forEach(function (x) { b.forEach(function (y) {
      var lo = Math.max(x[0], y[0]), hi = Math.min(x[1], y[1]);
      if (lo <= hi) out.push([lo, hi]);
    }); });
    return out;
  }

  /* Run a query against one scope; resolves to [{doc, score}] sorted best first. */
  function search(base, query, ranges) {
    // The folding table comes with the scope's meta (in parallel): the query is cut after it.
    var metaLoaded = fetchJson(base + "meta.json");
    return Promise.all([metaLoaded, loadFold(base + "../fold.json")]).then(function (loaded) {
      var meta = loaded[0], parts = queryParts(query);
      if (!parts.length) return { meta: null, hits: [] };
      return Promise.all(parts.map(function (terms) {
        return Promise.all(terms.map(function (term) { return loadTerm(base, meta, term); }));
      })).then(function (partPostings) {
        var scores = null;
        partPostings.forEach(function (postingsList) {
          var found = matchPart(postingsList, meta.docs);
          if (scores === null) { scores = found; return; }
          var next = {};
          Object.keys(scores).forEach(function (doc) {
            if (found[doc] !== undefined) next[doc] = scores[doc] + found[doc];
          });
          scores = next;
        });
        var hits = Object.keys(scores || {}).map(Number).filter(function (doc) {
          return inRanges(doc, ranges);
        }).map(function (doc) { return { doc: doc, score: scores[doc] }; });
        hits.sort(function (x, y) { return y.score - x.score || x.doc - y.doc; });
        return { meta: meta, hits: hits };
      });
    });
  }

  function loadDocs(base, meta, hits) {
    return Promise.all(hits.map(function (hit) {
      return fetchJson(base + "d/" + Math.floor(hit.doc / meta.per) + ".json").then(function (chunk) {
        return chunk[hit.doc % meta.per];
      });
    }));
  }

  /* The excerpt, about `limit` characters centred on the first match (as rank.py's
     snippet), with every occurrence of a query word marked, built as DOM nodes. */
  function excerpt(text, query, limit, whole) {
    var words = runs(query).filter(function (w) { return w.length > 1 || !IS_HAN.test(w); });
    var normed = normalizeWithMap(text), norm = normed.text;
    var first = -1;
    words.forEach(function (w) {
      var at = norm.indexOf(w);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    if (whole) limit = text.length;
    var start = 0;
    if (first >= 0 && text.length > limit) {
      start = Math.max(0, Math.min(normed.map[first] - Math.floor(limit / 2), text.length - limit));
    }
    var end = start + limit;
    var frag = document.createDocumentFragment();
    if (start > 0) frag.appendChild(document.createTextNode("…"));
    // marks: [from, to) in the original text for every occurrence of every word
    var marks = [];
    words.forEach(function (w) {
      for (var at = norm.indexOf(w); at >= 0; at = norm.indexOf(w, at + 1)) {
        marks.push([normed.map[at], normed.map[at + w.length - 1] + 1]);
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var i = start;
    marks.forEach(function (m) {
      var from = Math.max(m[0], i), to = Math.min(m[1], end);
      if (from >= to) return;
      if (from > i) frag.appendChild(document.createTextNode(text.slice(i, from)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(from, to);
      frag.appendChild(mark);
      i = to;
    });
    if (i < Math.min(end, text.length)) frag.appendChild(document.createTextNode(text.slice(i, end)));
    if (end < text.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setup(form) {
    var root = form.getAttribute("data-search-root");
    var indexFile = form.getAttribute("data-index-file") || "";  // relative_urls: links name the file, for file://
    function pageUrl(path) {
      if (!indexFile) return path;
      var hash = path.indexOf("#"), page = hash < 0 ? path : path.slice(0, hash);
      return (page === "" || page.charAt(page.length - 1) === "/" ? page + indexFile : page) + (hash < 0 ? "" : path.slice(hash));
    }
    var strings = JSON.parse(form.getAttribute("data-strings"));
    var results = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    var input = form.querySelector("input[name=q]");
    var deptSelect = form.querySelector("select[name=dept]");
    var yearSelect = form.querySelector("select[name=year]");
    var scopes = JSON.parse(form.getAttribute("data-scopes"));
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    if (params.get("dept")) deptSelect.value = params.get("dept");
    if (params.get("year")) yearSelect.value = params.get("year");
    var state = { hits: [], shown: 0, base: "", meta: null, query: "" };

    function selectedRanges() {
      var d = deptSelect.options[deptSelect.selectedIndex], y = yearSelect.options[yearSelect.selectedIndex];
      return intersectRanges(parseRanges(d.getAttribute("data-ranges")), parseRanges(y.getAttribute("data-ranges")));
    }

    function showMore() {
      var next = state.hits.slice(state.shown, state.shown + PAGE);
      return loadDocs(state.base, state.meta, next).then(function (docs) {
        var list = results.querySelector("ol") || results.appendChild(el("ol", "search-list"));
        docs.forEach(function (d) {
          var item = el("li", "search-hit");
          var heading = el("h2", "search-hit-title");
          var link = el("a");
          link.href = root + pageUrl(d[0]);
          link.appendChild(excerpt(d[2], state.query, 0, true));
          heading.appendChild(link);
          item.appendChild(heading);
          var kind = el("span", "search-kind kind-" + d[1], strings.kinds[d[1]] || d[1]);
          heading.insertBefore(kind, link);
          heading.insertBefore(document.createTextNode(" "), link);
          var meta = [d[4]];
          if (d[5]) meta.push(d[5] + strings.year_suffix);
          if (d[3]) meta.push(d[3]);
          if (d[6]) meta.push(strings.budget + " " + d[6] + " " + strings.unit);
          item.appendChild(el("p", "search-hit-meta", meta.join(" · ")));
          if (d[7]) { var p = el("p", "search-hit-excerpt"); p.appendChild(excerpt(d[7], state.query, 120)); item.appendChild(p); }
          list.appendChild(item);
        });
        state.shown += next.length;
        var more = results.querySelector("button.search-more");
        if (more) more.remove();
        if (state.shown < state.hits.length) {
          var button = el("button", "search-more", strings.more);
          button.type = "button";
          button.addEventListener("click", function () {
            var first = state.shown;
            showMore().then(function () {
              var links = results.querySelectorAll(".search-hit a");
              if (links[first]) links[first].focus();
            });
          });
          results.appendChild(button);
        }
      });
    }

    function run() {
      var query = input.value.trim();
      results.textContent = "";
      form.setAttribute("data-state", "searching");
      if (!query) { status.textContent = ""; form.setAttribute("data-state", "done"); return Promise.resolve(); }
      var dept = deptSelect.value, year = yearSelect.value;
      var scope = dept && year && scopes.indexOf(dept + "-" + year) >= 0 ? dept + "-" + year : "all";
      var base = root + "search/" + scope + "/";
      var ranges = scope === "all" ? selectedRanges() : null;
      status.textContent = strings.searching;
      return search(base, query, ranges).then(function (found) {
        state = { hits: found.hits, shown: 0, base: base, meta: found.meta, query: query };
        status.textContent = found.hits.length
          ? strings.found.replace("{n}", found.hits.length).replace("{q}", query)
          : strings.none.replace("{q}", query);
        if (found.hits.length) return showMore();
      }).catch(function () {
        status.textContent = strings.failed;
      }).then(function () {
        form.setAttribute("data-state", "done");
        form.setAttribute("data-rendered-at", String(performance.now()));  // for benchmarks/bench_search.py
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = new URLSearchParams();
      params.set("q", input.value.trim());
      if (deptSelect.value) params.set("dept", deptSelect.value);
      if (yearSelect.value) params.set("year", yearSelect.value);
      window.history.replaceState(null, "", "?" + params.toString());
      run();
    });
    run();
  }

  var form = document.getElementById("search-form");
  if (form) setup(form);
  window.discloseSearch = { queryParts: queryParts, fnv1a: fnv1a, search: search, normalize: normalize, loadFold: loadFold };
})();
