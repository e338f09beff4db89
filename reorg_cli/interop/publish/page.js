/* reorg publish: replays the embedded facts at the chosen date (the rules of Timeline.state_at).
   Every piece of data reaches the page through textContent or a checked href, never as markup. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("reorg-data").textContent);
  var POS_INF = 4000000, EPOCH = 719163, DAY_MS = 86400000;
  var CONF = ["uncertain", "reported", "confirmed"];
  var SLOT = { u: 1, n: 1, k: 1, p: 1, r: 3, v: 2, l: 1 };
  var $ = function (id) { return document.getElementById(id); };
  // Every map keyed by data has no prototype: an id such as "constructor", "toString" or
  // "__proto__" is a key like any other, never an inherited property.
  function dict() { return Object.create(null); }
  function own(obj) { var copy = dict(); Object.keys(obj).forEach(function (k) { copy[k] = obj[k]; }); return copy; }
  D.people = own(D.people);
  D.units = own(D.units);

  // -- facts ---------------------------------------------------------------------------------
  var byUnit = dict(), roleFacts = [], vacancyFacts = [], lineFacts = [], anyStale = false;
  D.facts.forEach(function (row) {
    var k = row[0], n = SLOT[k], i = 1 + n;
    var f = { k: k, slot: row.slice(1, i), v: row[i], slo: row[i + 1], shi: row[i + 2],
      sev: row[i + 3], sconf: row[i + 4], elo: row[i + 5], ehi: row[i + 6], eev: row[i + 7],
      econf: row[i + 8], stale: row[i + 9], confirmed: row[i + 10] };
    if (f.stale !== null) anyStale = true; // the legend lists [?] when a fact can be stale
    if (k === "r") roleFacts.push(f);
    else if (k === "v") vacancyFacts.push(f);
    else if (k === "l") lineFacts.push(f);
    else {
      var g = byUnit[f.slot[0]] || (byUnit[f.slot[0]] = { u: [], n: [], k: [], p: [] });
      g[k].push(f);
    }
  });

  function presence(f, day) { // 0 absent, 1 uncertain, 2 present (Fact.presence)
    if (day < f.slo) return 0;
    if (f.elo !== null) {
      if (day >= f.ehi) return 0;
      if (day >= f.elo) return 1;
    }
    return day < f.shi ? 1 : 2;
  }
  function confOn(f, day) {
    if (f.elo !== null && f.econf !== null && day >= f.elo) return Math.min(f.sconf, f.econf);
    return f.sconf;
  }
  function factEvents(f) { return f.eev === null || f.eev === f.sev ? [f.sev] : [f.sev, f.eev]; }
  function pick(facts, day) {
    var chosen = null, cp = 0, unsure = false;
    for (var i = 0; i < facts.length; i++) {
      var p = presence(facts[i], day);
      if (!p) continue;
      if (p === 1) unsure = true;
      if (chosen === null || (p === 2 && cp !== 2)) { chosen = facts[i]; cp = p; }
    }
    return [chosen, unsure];
  }
  function holding(facts, day) {
    var chosen = dict(), keys = [];
    for (var i = 0; i < facts.length; i++) {
      var f = facts[i], p = presence(f, day);
      if (!p) continue;
      var key = f.slot.join("\u0000"), held = chosen[key];
      if (!held) keys.push(key);
      if (!held || (p === 2 && held[1] !== 2)) chosen[key] = [f, p];
    }
    return keys.map(function (k) { return chosen[k]; });
  }
  function personName(id) { var p = D.people[id]; return p ? p.name : id; }
  function isStale(f, day) { // Timeline.staleness_day: a date past the coverage end is judged at it
    return f.stale !== null && Math.min(day, D.coverage_end === null ? day : D.coverage_end) >= f.stale;
  }

  var stateCache = new Map(); // a few recent states: slider moves revisit them
  function stateAt(day) {
    if (stateCache.has(day)) return stateCache.get(day);
    var units = dict();
    Object.keys(byUnit).forEach(function (id) {
      var g = byUnit[id], ex = pick(g.u, day)[0];
      if (!ex) return;
      var nm = pick(g.n, day), kd = pick(g.k, day), pa = pick(g.p, day);
      if (!nm[0] || !kd[0]) return;
      var used = [ex, nm[0], kd[0], pa[0]].filter(Boolean);
      units[id] = { id: id, name: String(nm[0].v[0]), names: nm[0].v.slice(1), kind: kd[0].v,
        parent: pa[0] ? pa[0].v : null, since: ex.sev,
        presence: (nm[1] || kd[1] || pa[1]) ? 1 : presence(ex, day),
        conf: Math.min.apply(null, used.map(function (f) { return confOn(f, day); })),
        stale: isStale(ex, day), exists: ex,
        events: used.map(function (f) { return f.sev; }) };
    });
    function entry(f, p) {
      return { f: f, presence: p, conf: confOn(f, day), stale: isStale(f, day) ? f : null, since: f.sev,
        events: factEvents(f) };
    }
    var roles = [], vacancies = [], lines = [];
    holding(roleFacts, day).forEach(function (fp) {
      var f = fp[0];
      if (!units[f.slot[1]]) return;
      var e = entry(f, fp[1]);
      e.person = f.slot[0]; e.unit = f.slot[1]; e.title = f.slot[2]; e.head = !!f.v;
      e.key = f.slot.join("\u0000");
      roles.push(e);
    });
    holding(vacancyFacts, day).forEach(function (fp) {
      var f = fp[0];
      if (!units[f.slot[0]]) return;
      var e = entry(f, fp[1]);
      e.unit = f.slot[0]; e.title = f.slot[1]; e.vacancy = f.v; e.key = f.slot.join("\u0000");
      vacancies.push(e);
    });
    holding(lineFacts, day).forEach(function (fp) {
      var e = entry(fp[0], fp[1]);
      e.person = fp[0].slot[0]; e.boss = fp[0].v; e.key = e.person;
      lines.push(e);
    });
    lines.sort(function (a, b) { return cmp(personName(a.person), personName(b.person)); });
    var children = dict(), rolesIn = dict(), vacanciesIn = dict();
    Object.keys(units).forEach(function (id) {
      var u = units[id], parent = u.parent !== null && units[u.parent] ? u.parent : "";
      (children[parent] || (children[parent] = [])).push(u);
    });
    Object.keys(children).forEach(function (k) {
      children[k].sort(function (a, b) { return cmp(a.name.toLowerCase(), b.name.toLowerCase()) || cmp(a.id, b.id); });
    });
    roles.forEach(function (r) { (rolesIn[r.unit] || (rolesIn[r.unit] = [])).push(r); });
    Object.keys(rolesIn).forEach(function (k) {
      rolesIn[k].sort(function (a, b) {
        return (b.head - a.head) || cmp(a.title.toLowerCase(), b.title.toLowerCase()) ||
          cmp(personName(a.person), personName(b.person));
      });
    });
    vacancies.forEach(function (v) { (vacanciesIn[v.unit] || (vacanciesIn[v.unit] = [])).push(v); });
    var state = { day: day, units: units, roles: roles, vacancies: vacancies, lines: lines,
      children: children, rolesIn: rolesIn, vacanciesIn: vacanciesIn };
    if (stateCache.size > 3) stateCache.delete(stateCache.keys().next().value);
    stateCache.set(day, state);
    return state;
  }
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  // -- dates ---------------------------------------------------------------------------------
  function iso(day) {
    var d = new Date((day - EPOCH) * DAY_MS);
    var y = d.getUTCFullYear(), m = d.getUTCMonth() + 1, dd = d.getUTCDate();
    return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(dd, 2);
  }
  function pad(n, w) { var s = String(n); while (s.length < w) s = "0" + s; return s; }
  function parseDay(text) { // YYYY, YYYY-MM or YYYY-MM-DD: the last day of the period
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text || "");
    if (!m) return null;
    var y = +m[1], mo = m[2] ? +m[2] : 12, d = m[3] ? +m[3] : 0;
    if (y < 1 || mo < 1 || mo > 12) return null;
    var date = new Date(0);
    if (m[3]) date.setUTCFullYear(y, mo - 1, d); else date.setUTCFullYear(y, mo, 0);
    if (m[3] && date.getUTCDate() !== d) return null;
    return Math.floor(date.getTime() / DAY_MS) + EPOCH;
  }
  // A date keeps the precision it was written with: a stop of events dated 2024 reads
  // "2024 (to 2024-12-31)" (the explorer's words), its address #date=2024.
  function written(day, precision) { // "2024", "2024-06" or "2024-06-30"
    var full = iso(day), text = precision === "year" ? full.slice(0, 4) : precision === "month" ? full.slice(0, 7) : full;
    return parseDay(text) === day ? text : full;
  }
  function dateText(day, precision) {
    var text = written(day, precision);
    return text.length < 10 ? text + " (to " + iso(day) + ")" : text;
  }
  function precisionOf(text) { return text.length === 4 ? "year" : text.length === 7 ? "month" : "day"; }
  function windowText(ev) { return ev ? ev.date : "date unknown"; }
  function eventAt(index) { return D.events[index]; }

  // -- DOM helpers ---------------------------------------------------------------------------
  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) Object.keys(props).forEach(function (k) {
      if (k === "text") node.textContent = props[k];
      else if (k === "cls") node.className = props[k];
      else node.setAttribute(k, props[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function safeUrl(url) { return /^https?:\/\//i.test(url || "") ? url : null; }
  function addMark(span, text, cls, title) { // " [R]": a space before each mark, as in the terminal
    span.appendChild(document.createTextNode(" "));
    span.appendChild(el("abbr", { cls: "mark " + cls, title: title, text: text }));
  }
  function marks(presenceValue, conf) {
    var span = el("span", { cls: "marks" });
    if (presenceValue === 1) addMark(span, "[~]", "mark-date", "may or may not hold on this date (the change's date is imprecise)");
    if (conf === 1) addMark(span, "[R]", "mark-reported", "reported: a single outlet or unconfirmed");
    else if (conf === 0) addMark(span, "[U]", "mark-uncertain", "uncertain: sources conflict or are weak");
    return span;
  }
  // The stale note in the terminal's words (render_text._stale): a unit's row reads
  // " last confirmed 2024-02 [?]"; a role's or a line's ", last confirmed 2024-02 [?]", or
  // ", not confirmed since [?]" when nothing confirmed it after its start ("since" is beside it).
  function staleNote(f, isUnit) {
    if (!f) return null;
    var start = eventAt(f.sev).date, last = f.confirmed === null ? start : eventAt(f.confirmed).date;
    var words = isUnit ? " last confirmed " + last
      : last === start ? ", not confirmed since" : ", last confirmed " + last;
    var span = el("span", { cls: "stale-note", text: words });
    addMark(span, "[?]", "mark-stale", "stale: no source confirms it within " + D.stale_after_days + " days of this date or of the data's coverage end; it may no longer hold");
    return span;
  }
  function badge(text) { return el("span", { cls: "badge", text: text }); }

  // -- the view (held in the URL hash) ---------------------------------------------------------
  var stops = D.stops, view = { day: null, precision: "day", person: null, unit: null, event: null };
  var stopPrecision = dict();
  stops.forEach(function (day, i) { stopPrecision[day] = D.stop_precision[i]; });
  function atStop(day) { return { day: day, precision: stopPrecision[day] || "day" }; }
  var lastDay = stops.length ? stops[stops.length - 1] : (D.range[1] || EPOCH);
  function hashFor(v) {
    var parts = ["date=" + written(v.day, v.precision)];
    ["person", "unit", "event"].forEach(function (k) {
      if (v[k]) parts.push(k + "=" + encodeURIComponent(v[k]));
    });
    return "#" + parts.join("&");
  }
  function link(text, changes, cls) {
    var v = { day: view.day, precision: view.precision, person: null, unit: null, event: null };
    Object.keys(changes).forEach(function (k) { v[k] = changes[k]; });
    if (changes.day !== undefined) v.precision = atStop(changes.day).precision;
    return el("a", { href: hashFor(v), cls: cls || "", text: text });
  }
  function readHash() {
    var v = { day: null, precision: "day", person: null, unit: null, event: null };
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at < 0) return;
      var key = part.slice(0, at), value;
      try { value = decodeURIComponent(part.slice(at + 1)); } catch (e) { return; }
      if (key === "date") { v.day = parseDay(value); v.precision = precisionOf(value); }
      else if (key === "person" && D.people[value] !== undefined) v.person = value;
      else if (key === "unit" && D.units[value] !== undefined) v.unit = value;
      else if (key === "event" && eventIndex[value] !== undefined) v.event = value;
    });
    if (v.day === null) {
      v.day = v.event && eventAt(eventIndex[v.event]).stop !== null ? eventAt(eventIndex[v.event]).stop : lastDay;
      v.precision = atStop(v.day).precision;
    }
    return v;
  }
  var eventIndex = dict();
  D.events.forEach(function (e, i) { eventIndex[e.id] = i; });
  function stopIndex(day) { // the last stop on or before day
    var lo = 0, hi = stops.length - 1, found = 0;
    while (lo <= hi) { var mid = (lo + hi) >> 1; if (stops[mid] <= day) { found = mid; lo = mid + 1; } else hi = mid - 1; }
    return found;
  }
  function previousStop(day) {
    var i = stopIndex(day);
    if (stops.length && stops[i] < day) return stops[i];
    return i > 0 ? stops[i - 1] : day - 1;
  }

  // -- slider and eras -----------------------------------------------------------------------
  var slider = $("date-slider");
  slider.max = String(Math.max(0, stops.length - 1));
  (function eras() {
    var nav = $("eras"), years = [], seen = dict();
    stops.forEach(function (day, i) {
      var y = iso(day).slice(0, 4);
      if (!seen[y]) { seen[y] = true; years.push([y, i]); }
    });
    var last = -100;
    years.forEach(function (yi) { // years as eras; a label too close to the last one is left out
      var at = stops.length > 1 ? (yi[1] / (stops.length - 1)) * 100 : 0;
      if (at - last < 6) return;
      last = at;
      var a = el("a", { href: "#date=" + written(stops[yi[1]], stopPrecision[stops[yi[1]]]), text: yi[0], title: "First event of " + yi[0] });
      a.style.left = at + "%";
      nav.appendChild(a);
    });
  })();
  function go(v, replace) {
    var hash = hashFor(v);
    if (hash === location.hash) { render(); return; }
    if (replace) { history.replaceState(null, "", hash); render(); }
    else location.hash = hash;
  }
  slider.addEventListener("input", function () {
    var v = Object.assign({}, view, atStop(stops[+slider.value]));
    view = v;
    renderDate();
  });
  slider.addEventListener("change", function () { go(Object.assign({}, view, atStop(stops[+slider.value]))); });
  function step(by) {
    if (!stops.length) return;
    var i = stopIndex(view.day);
    if (by < 0 && stops[i] < view.day) by = 0;
    if (by > 0 && stops[i] > view.day) by = 0; // before the first stop: "next" is the first
    i = Math.max(0, Math.min(stops.length - 1, i + by));
    go(Object.assign({}, view, atStop(stops[i])));
  }
  $("prev").addEventListener("click", function () { step(-1); });
  $("next").addEventListener("click", function () { step(1); });
  document.addEventListener("keydown", function (e) {
    var t = e.target, typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA");
    if (e.key === "Escape") { closeSearch(); return; }
    if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === ",") { step(-1); e.preventDefault(); }
    else if (e.key === ".") { step(1); e.preventDefault(); }
    else if (e.key === "/") { $("search").focus(); e.preventDefault(); }
  });

  // -- the tree at the chosen date -------------------------------------------------------------
  function diffKinds(before, after) {
    var changed = dict(), removed = [];
    Object.keys(after.units).forEach(function (id) {
      var a = before.units[id], b = after.units[id];
      if (!a) changed["u" + id] = "new";
      else if (a.name !== b.name) changed["u" + id] = "renamed";
      else if (a.parent !== b.parent) changed["u" + id] = "moved";
      else if (a.kind !== b.kind) changed["u" + id] = "reclassified";
      else if (a.presence !== b.presence || a.conf !== b.conf) changed["u" + id] = "changed";
    });
    Object.keys(before.units).forEach(function (id) {
      if (!after.units[id]) removed.push(before.units[id].name + " (" + before.units[id].kind.replace(/_/g, " ") + ") no longer exists");
    });
    [["r", "roles"], ["v", "vacancies"], ["l", "lines"]].forEach(function (pair) {
      var old = dict();
      before[pair[1]].forEach(function (e) { old[e.key] = e; });
      var now = dict();
      after[pair[1]].forEach(function (e) {
        now[e.key] = e;
        var o = old[e.key];
        if (!o) changed[pair[0] + e.key] = "new";
        else if (o.f !== e.f || o.presence !== e.presence || (pair[0] === "l" && o.boss !== e.boss)) changed[pair[0] + e.key] = "changed";
      });
      before[pair[1]].forEach(function (e) {
        if (now[e.key]) return;
        var unitName = e.unit !== undefined && before.units[e.unit] ? before.units[e.unit].name : e.unit;
        if (pair[0] === "r") removed.push(personName(e.person) + " — " + e.title + ", " + unitName + ": ended");
        else if (pair[0] === "v") removed.push(e.title + ", " + unitName + ": filled or gone");
        else removed.push(personName(e.person) + " no longer reports to " + personName(e.boss));
      });
    });
    return { changed: changed, removed: removed };
  }
  function describeAdded(after, changed) {
    var byKey = dict();
    [["r", after.roles], ["v", after.vacancies], ["l", after.lines]].forEach(function (pair) {
      pair[1].forEach(function (e) { byKey[pair[0] + e.key] = e; });
    });
    return Object.keys(changed).map(function (key) {
      var how = changed[key], e = byKey[key];
      if (key[0] === "u") return after.units[key.slice(1)].name + ": " + how;
      if (key[0] === "r") return personName(e.person) + " — " + e.title + ", " + after.units[e.unit].name + ": " + how;
      if (key[0] === "v") return e.title + ", " + after.units[e.unit].name + ": " + (e.vacancy === "unknown" ? "holder unknown" : "vacant");
      return personName(e.person) + " reports to " + personName(e.boss) + ": " + how;
    });
  }
  function renderTree(state, changed) {
    var tree = clear($("org-tree"));
    var tops = state.children[""] || [];
    if (!tops.length) tree.appendChild(el("li", { cls: "muted", text: "No units exist on this date." }));
    var stack = tops.map(function (u) { return [tree, u]; }).reverse();
    while (stack.length) { // iterative: deep trees do not exhaust the call stack
      var item = stack.pop(), parent = item[0], u = item[1];
      var how = changed["u" + u.id];
      var row = el("span", { cls: "row" },
        link(u.name, { unit: u.id }, "unit-name"), " ",
        el("span", { cls: "kind", text: "(" + u.kind.replace(/_/g, " ") + ")" }),
        marks(u.presence, u.conf), u.stale ? staleNote(u.exists, true) : null, how ? badge(how) : null);
      var li = el("li", { cls: "unit" + (how ? " changed" : ""), "data-unit": u.id, "data-parent": u.parent === null ? "" : u.parent }, row);
      var inner = el("ul");
      (state.rolesIn[u.id] || []).forEach(function (r) {
        var rh = changed["r" + r.key];
        inner.appendChild(el("li", { cls: "role" + (rh ? " changed" : ""), "data-role": r.key.split("\u0000").join("|") },
          el("span", { cls: "row" },
            el("span", { cls: "title", text: r.title + ": " }),
            link(personName(r.person), { person: r.person }, "person"),
            el("span", { cls: "since-date", text: " since " + windowText(eventAt(r.since)) }),
            staleNote(r.stale, false), marks(r.presence, r.conf), rh ? badge(rh) : null)));
      });
      (state.vacanciesIn[u.id] || []).forEach(function (v) {
        var vh = changed["v" + v.key];
        inner.appendChild(el("li", { cls: "role" + (vh ? " changed" : "") },
          el("span", { cls: "row" },
            el("span", { cls: "title", text: v.title + ": " }),
            el("span", { cls: "vacant", text: v.vacancy === "unknown" ? "holder unknown" : "vacant" }),
            el("span", { cls: "since-date", text: " since " + windowText(eventAt(v.since)) }),
            marks(v.presence, v.conf), vh ? badge(vh) : null)));
      });
      li.appendChild(inner);
      parent.appendChild(li);
      var kids = state.children[u.id] || [];
      for (var i = kids.length - 1; i >= 0; i--) stack.push([inner, kids[i]]);
    }
    var body = clear($("reporting-lines").tBodies[0]);
    state.lines.forEach(function (l) {
      var lh = changed["l" + l.key];
      body.appendChild(el("tr", { cls: lh ? "changed" : "" },
        el("td", null, link(personName(l.person), { person: l.person })),
        el("td", null, link(personName(l.boss), { person: l.boss }), staleNote(l.stale, false), marks(l.presence, l.conf), lh ? badge(lh) : null),
        el("td", { text: windowText(eventAt(l.since)) })));
    });
    $("reporting-lines").hidden = !state.lines.length;
  }

  function renderDate() {
    var day = view.day, state = stateAt(day), before = stateAt(previousStop(day));
    stateAt(day);
    var d = diffKinds(before, state);
    var label = dateText(day, view.precision);
    $("org-date").textContent = label;
    $("org-date").setAttribute("datetime", iso(day));
    var here = stopIndex(day);
    slider.value = String(here);
    slider.setAttribute("aria-valuetext", label);
    var at = eventsOn(stops[here]);
    $("date-label").textContent = label + (stops[here] === day && at.length ? " · " + at.length + (at.length === 1 ? " event" : " events") : "");
    var note = coverageNote(day);
    $("coverage-note").textContent = note ? note + "." : "";
    $("coverage-note").hidden = !note;
    renderTree(state, d.changed);
    var since = clear($("since-list"));
    $("since-heading").textContent = "Changed since " + dateText(before.day, atStop(before.day).precision);
    describeAdded(state, d.changed).forEach(function (w) { since.appendChild(el("li", { cls: "changed-item", text: w })); });
    d.removed.forEach(function (w) { since.appendChild(el("li", { text: w })); });
    if (!since.firstChild) since.appendChild(el("li", { cls: "muted", text: "Nothing." }));
    showChangesAround(day);
    var current = document.querySelectorAll("#changes-list li.current");
    for (var i = 0; i < current.length; i++) current[i].classList.remove("current");
    at.forEach(function (index) {
      var li = document.getElementById("change-" + index);
      if (li) li.classList.add("current");
    });
  }
  var eventsByStop = dict();
  D.events.forEach(function (e, i) {
    if (e.stop !== null) (eventsByStop[e.stop] || (eventsByStop[e.stop] = [])).push(i);
  });
  function eventsOn(day) { return eventsByStop[day] || []; }
  function coverageNote(day) { // Timeline.coverage_note: the date is past what the data knows, or before it
    if (D.coverage_end !== null && day > D.coverage_end) return "events known up to " + D.coverage + "; later changes are not in this data";
    if (D.coverage_start_day !== null && day < D.coverage_start_day) return "events known from " + D.coverage_start + "; the organization before that is not in this data";
    return null;
  }

  // -- cards and pages -------------------------------------------------------------------------
  function eventCard(index) {
    var e = eventAt(index);
    var card = el("article", { cls: "card", id: "card-" + e.id },
      el("h3", { text: e.title }),
      el("p", { cls: "meta" },
        el("time", { text: e.date }), " · confidence: ",
        el("span", { cls: "conf conf-" + CONF[e.confidence], text: CONF[e.confidence] }),
        e.status !== "applied" ? el("span", { cls: "status", text: " · " + e.status + (e.related ? " (" + e.related + ")" : "") }) : null));
    if (e.summary) card.appendChild(el("p", { cls: "summary", text: e.summary }));
    if (e.changes.length) {
      var ul = el("ul", { cls: "event-changes" });
      e.changes.forEach(function (c) { ul.appendChild(el("li", { text: c })); });
      card.appendChild(ul);
    }
    if (e.notes) card.appendChild(el("p", { cls: "notes muted", text: e.notes }));
    if (e.sources.length) {
      card.appendChild(el("h4", { text: "Sources" }));
      var ol = el("ol", { cls: "sources" });
      e.sources.forEach(function (s) {
        var src = D.sources[s], url = safeUrl(src[0]), label = src[1] || src[2] || src[0];
        var publisher = src[1] ? src[2] : null; // the label is the publisher when there is no title
        var li = el("li");
        li.appendChild(url ? el("a", { href: url, rel: "noopener noreferrer", text: label }) : el("span", { text: label }));
        var meta = [publisher, src[3] ? "published " + src[3] : "publication date unknown"].filter(Boolean).join(", ");
        li.appendChild(el("span", { cls: "muted", text: " — " + meta }));
        if (!url) li.appendChild(el("span", { cls: "muted", text: " (" + src[0] + ")" }));
        ol.appendChild(li);
      });
      card.appendChild(ol);
    }
    card.appendChild(el("p", null, link("Show the organization on this date", { event: e.id, day: e.stop !== null ? e.stop : view.day })));
    return card;
  }
  function spanEnd() { return Math.max(lastDay, D.coverage_end || 0); }
  function timeline(rows) { // rows: [label, fact]
    if (!rows.length) return el("p", { cls: "muted", text: "None recorded." });
    var end = spanEnd(), start = end;
    rows.forEach(function (r) { var f = r[1]; start = Math.min(start, f.slo > 0 ? f.slo : f.shi); });
    if (end <= start) end = start + 1;
    var width = end - start, box = el("div", { cls: "timeline", "aria-hidden": "true" });
    function pct(day) { return ((Math.max(start, Math.min(end, day)) - start) / width) * 100; }
    var axis = el("div", { cls: "tl-axis" });
    var y0 = +iso(start).slice(0, 4), y1 = +iso(end).slice(0, 4), every = Math.ceil((y1 - y0 + 1) / 8) || 1;
    for (var y = y0 + 1; y <= y1; y += every) {
      var tick = el("span", { text: String(y) });
      tick.style.left = pct(parseDay(pad(y, 4) + "-01-01")) + "%";
      axis.appendChild(tick);
    }
    box.appendChild(axis);
    rows.forEach(function (r) {
      var f = r[1], row = el("div", { cls: "tl-row" });
      var sure0 = f.shi, sure1 = f.elo !== null ? f.elo : end;
      function seg(cls, a, b) {
        var s = el("div", { cls: cls });
        s.style.left = pct(a) + "%"; s.style.width = Math.max(0, pct(b) - pct(a)) + "%";
        row.appendChild(s);
      }
      if (f.slo < f.shi) seg("tl-unsure", f.slo > 0 ? f.slo : start, f.shi);
      seg("tl-bar", sure0, Math.max(sure0, sure1));
      if (f.elo !== null && f.ehi > f.elo) seg("tl-unsure", f.elo, Math.min(f.ehi, end));
      row.appendChild(el("span", { cls: "tl-label", text: r[0] }));
      box.appendChild(row);
    });
    return box;
  }
  function unitNameAt(unit, order) {
    var names = byUnit[unit] ? byUnit[unit].n : [], found = names[0];
    names.forEach(function (f) { if (f.sev <= order) found = f; });
    return found ? String(found.v[0]) : (D.units[unit] ? D.units[unit].name : unit);
  }
  function fromTo(f) {
    return [windowText(eventAt(f.sev)), f.eev === null ? (f.elo === null ? "" : "date unknown") : windowText(eventAt(f.eev))];
  }
  function factTable(headers, rows) {
    var table = el("table"), head = el("tr");
    headers.forEach(function (h) { head.appendChild(el("th", { scope: "col", text: h })); });
    table.appendChild(el("thead", null, head));
    var body = el("tbody");
    rows.forEach(function (cells) {
      var tr = el("tr");
      cells.forEach(function (c) { tr.appendChild(typeof c === "string" ? el("td", { text: c }) : el("td", null, c)); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    return table;
  }
  function evidence(f) {
    var span = el("span");
    factEvents(f).forEach(function (i, n) {
      if (n) span.appendChild(document.createTextNode(", "));
      span.appendChild(link(eventAt(i).date, { event: eventAt(i).id }));
    });
    span.appendChild(marks(0, Math.min(f.sconf, f.econf === null ? 2 : f.econf)));
    return span;
  }
  function personPage(id) {
    var p = D.people[id], box = el("article", { cls: "page person-page" }, el("h2", { text: p.name }));
    if (p.names.length || p.aliases.length) {
      var also = el("p", { cls: "muted" }, "Also: ");
      p.names.forEach(function (n, i) { // each name in its language, for fonts and screen readers
        if (i) also.appendChild(document.createTextNode(" · "));
        also.appendChild(el("span", { lang: n[0], text: n[1] }));
        also.appendChild(document.createTextNode(" (" + n[0] + ")"));
      });
      p.aliases.forEach(function (a, i) {
        also.appendChild(document.createTextNode((i || p.names.length ? " · " : "") + a));
      });
      box.appendChild(also);
    }
    if (p.description) box.appendChild(el("p", { text: p.description }));
    var roles = roleFacts.filter(function (f) { return f.slot[0] === id; });
    box.appendChild(el("h3", { text: "Roles over time" }));
    box.appendChild(timeline(roles.map(function (f) { return [f.slot[2] + ", " + unitNameAt(f.slot[1], f.sev), f]; })));
    box.appendChild(factTable(["Title", "Unit", "From", "To", "Evidence"], roles.map(function (f) {
      var ft = fromTo(f);
      return [f.slot[2] + (f.v ? " (head)" : ""), link(unitNameAt(f.slot[1], f.sev), { unit: f.slot[1] }), ft[0], ft[1] || "now", evidence(f)];
    })));
    box.appendChild(el("h3", { text: "Reporting lines" }));
    var up = lineFacts.filter(function (f) { return f.slot[0] === id; });
    var down = lineFacts.filter(function (f) { return f.v === id; });
    var rows = up.map(function (f) { var ft = fromTo(f); return ["reports to", link(personName(f.v), { person: f.v }), ft[0], ft[1] || "now", evidence(f)]; })
      .concat(down.map(function (f) { var ft = fromTo(f); return ["direct report", link(personName(f.slot[0]), { person: f.slot[0] }), ft[0], ft[1] || "now", evidence(f)]; }));
    box.appendChild(rows.length ? factTable(["", "Person", "From", "To", "Evidence"], rows) : el("p", { cls: "muted", text: "None recorded." }));
    return box;
  }
  function unitPage(id) {
    var u = D.units[id], g = byUnit[id], then = stateAt(view.day).units[id];
    var box = el("article", { cls: "page unit-page" }, el("h2", { text: then ? then.name : u.name }));
    var note = then ? (then.name !== u.name ? "Named " + u.name + " in the latest record." : "")
      : "Does not exist on " + dateText(view.day, view.precision) + "; its latest name is " + u.name + ".";
    if (note) box.appendChild(el("p", { cls: "muted", text: note }));
    if (u.aliases.length) box.appendChild(el("p", { cls: "muted", text: "Also: " + u.aliases.join(" · ") }));
    if (u.description) box.appendChild(el("p", { text: u.description }));
    box.appendChild(el("h3", { text: "Existence" }));
    box.appendChild(timeline(g.u.map(function (f) { return [unitNameAt(id, f.sev), f]; })));
    box.appendChild(el("h3", { text: "Names" }));
    box.appendChild(factTable(["Name", "Other names", "From", "To", "Evidence"], g.n.map(function (f) {
      var ft = fromTo(f), others = [];
      for (var i = 1; i + 1 < f.v.length; i += 2) others.push(f.v[i + 1] + " (" + f.v[i] + ")");
      return [String(f.v[0]), others.join(" · "), ft[0], ft[1] || "now", evidence(f)];
    })));
    box.appendChild(el("h3", { text: "Parents" }));
    box.appendChild(factTable(["Parent", "From", "To", "Evidence"], g.p.map(function (f) {
      var ft = fromTo(f);
      return [f.v === null ? "top level" : link(unitNameAt(f.v, f.sev), { unit: f.v }), ft[0], ft[1] || "now", evidence(f)];
    })));
    var heads = roleFacts.filter(function (f) { return f.slot[1] === id && f.v; });
    box.appendChild(el("h3", { text: "Heads over time" }));
    box.appendChild(timeline(heads.map(function (f) { return [personName(f.slot[0]) + ", " + f.slot[2], f]; })));
    box.appendChild(factTable(["Person", "Title", "From", "To", "Evidence"], heads.map(function (f) {
      var ft = fromTo(f);
      return [link(personName(f.slot[0]), { person: f.slot[0] }), f.slot[2], ft[0], ft[1] || "now", evidence(f)];
    })));
    var others = roleFacts.filter(function (f) { return f.slot[1] === id && !f.v; });
    if (others.length) {
      box.appendChild(el("h3", { text: "Other roles" }));
      box.appendChild(factTable(["Person", "Title", "From", "To", "Evidence"], others.map(function (f) {
        var ft = fromTo(f);
        return [link(personName(f.slot[0]), { person: f.slot[0] }), f.slot[2], ft[0], ft[1] || "now", evidence(f)];
      })));
    }
    return box;
  }
  function renderDetail() {
    var box = clear($("detail"));
    if (view.person) box.appendChild(personPage(view.person));
    else if (view.unit) box.appendChild(unitPage(view.unit));
    else if (view.event) { box.appendChild(el("h2", { text: "Event" })); box.appendChild(eventCard(eventIndex[view.event])); }
    else {
      var stopDay = stops[stopIndex(view.day)], at = stopDay <= view.day ? eventsOn(stopDay) : [];
      box.appendChild(el("h2", { text: at.length ? "Events of " + eventAt(at[0]).date : "Events" }));
      at.forEach(function (i) { box.appendChild(eventCard(i)); });
      if (!at.length) box.appendChild(el("p", { cls: "muted", text: "No event on this date." }));
    }
  }

  // -- the changes in the range ------------------------------------------------------------------
  // A long history shows a window of the list around the chosen date (laying out ten thousand
  // items would take seconds); buttons widen it.
  var WINDOW = 400, changeOrder = [], shown = [0, 0];
  (function changes() {
    var from = D.range[0], to = D.range[1], given = D.range_precision || [null, null];
    function asGiven(day, precision) { // --from 2023 is 2023, not its first day
      var full = iso(day);
      return precision === "year" ? full.slice(0, 4) : precision === "month" ? full.slice(0, 7) : full;
    }
    $("range-label").textContent = (from !== null || to !== null)
      ? "from " + (from !== null ? asGiven(from, given[0]) : "the start") + " to " + (to !== null ? asGiven(to, given[1]) : "the end")
      : "(all " + D.events.length + " events)";
    changeOrder = D.events.map(function (e, i) { return i; }).filter(function (i) {
      var s = eventAt(i).stop;
      if (s === null) return from === null && to === null;
      return (from === null || s >= from) && (to === null || s <= to);
    });
    changeOrder.sort(function (a, b) {
      var sa = eventAt(a).stop, sb = eventAt(b).stop;
      return (sa === null ? POS_INF : sa) - (sb === null ? POS_INF : sb) || a - b;
    });
    $("changes-earlier").addEventListener("click", function () { showChanges(Math.max(0, shown[0] - WINDOW), shown[1]); });
    $("changes-later").addEventListener("click", function () { showChanges(shown[0], Math.min(changeOrder.length, shown[1] + WINDOW)); });
  })();
  function changeItem(i) {
    var e = eventAt(i), li = el("li", { id: "change-" + i },
      el("time", { text: e.date }), " ",
      el("a", { href: "#" + (e.stop !== null ? "date=" + written(e.stop, stopPrecision[e.stop]) + "&" : "") + "event=" + encodeURIComponent(e.id), cls: "event-link", text: e.title }),
      marks(0, e.confidence),
      e.status !== "applied" ? el("span", { cls: "status", text: " (" + e.status + ")" }) : null);
    if (e.changes.length) {
      var ul = el("ul", { cls: "changes" });
      e.changes.forEach(function (c) { ul.appendChild(el("li", { text: c })); });
      li.appendChild(ul);
    }
    return li;
  }
  function showChanges(a, b) {
    var list = clear($("changes-list")), fragment = document.createDocumentFragment();
    shown = [a, b];
    list.start = a + 1;
    for (var n = a; n < b; n++) fragment.appendChild(changeItem(changeOrder[n]));
    list.appendChild(fragment);
    $("changes-earlier").hidden = a === 0;
    $("changes-earlier").textContent = "Show earlier changes (" + a + " more)";
    $("changes-later").hidden = b >= changeOrder.length;
    $("changes-later").textContent = "Show later changes (" + (changeOrder.length - b) + " more)";
  }
  function showChangesAround(day) {
    if (changeOrder.length <= WINDOW) { if (shown[1] !== changeOrder.length) showChanges(0, changeOrder.length); return; }
    var lo = 0, hi = changeOrder.length;
    while (lo < hi) { var mid = (lo + hi) >> 1, s = eventAt(changeOrder[mid]).stop; if (s !== null && s <= day) lo = mid + 1; else hi = mid; }
    if (lo > shown[0] && lo <= shown[1] && shown[1] > shown[0]) return;
    var a = Math.max(0, Math.min(lo - WINDOW / 2, changeOrder.length - WINDOW));
    showChanges(a, Math.min(changeOrder.length, a + WINDOW));
  }

  // -- search (the CLI's name keys: NFKC, case-folded, without spaces, -, _, ., ·, ・) ---------
  function nameKey(text) { // Python's casefold() is lower() plus a few foldings such as ß -> ss
    return text.normalize("NFKC").toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ").replace(/[ \t\-_.·・]/g, "");
  }
  var searchIndex = [];
  Object.keys(D.people).forEach(function (id) { searchIndex.push(["person", id, D.people[id].name, D.people[id].keys]); });
  Object.keys(D.units).forEach(function (id) { searchIndex.push(["unit", id, D.units[id].name, D.units[id].keys]); });
  D.events.forEach(function (e) { searchIndex.push(["event", e.id, e.title, [nameKey(e.title + " " + (e.summary || "")), nameKey(e.id)]]); });
  function search(query) {
    var q = nameKey(query);
    if (!q) return [];
    var found = [];
    searchIndex.forEach(function (item) {
      var best = 0;
      item[3].forEach(function (k) {
        if (k === q) best = Math.max(best, 3);
        else if (k.indexOf(q) === 0) best = Math.max(best, 2);
        else if (k.indexOf(q) > 0) best = Math.max(best, 1);
      });
      if (best) found.push([best, item]);
    });
    var rank = { person: 0, unit: 1, event: 2 };
    found.sort(function (a, b) { return b[0] - a[0] || rank[a[1][0]] - rank[b[1][0]] || cmp(a[1][2], b[1][2]); });
    return found.slice(0, 30).map(function (x) { return x[1]; });
  }
  var results = $("search-results");
  function closeSearch() { results.hidden = true; }
  $("search").addEventListener("input", function () {
    clear(results);
    var hits = search(this.value);
    hits.forEach(function (item) {
      var change = {}; change[item[0]] = item[1];
      if (item[0] === "event") { var s = eventAt(eventIndex[item[1]]).stop; if (s !== null) change.day = s; }
      var a = link(item[2], change);
      a.appendChild(el("span", { cls: "what", text: item[0] }));
      results.appendChild(el("li", null, a));
    });
    if (this.value && !hits.length) results.appendChild(el("li", { cls: "muted", text: "No match." }));
    results.hidden = !this.value;
  });
  $("search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var first = results.querySelector("a");
    if (first) first.click();
  });
  $("search").addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { var first = results.querySelector("a"); if (first) { first.focus(); e.preventDefault(); } }
  });
  results.addEventListener("keydown", function (e) {
    var links = Array.prototype.slice.call(results.querySelectorAll("a")), i = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && i < links.length - 1) { links[i + 1].focus(); e.preventDefault(); }
    else if (e.key === "ArrowUp") { (i > 0 ? links[i - 1] : $("search")).focus(); e.preventDefault(); }
  });
  results.addEventListener("click", function (e) { if (e.target.closest("a")) closeSearch(); });

  // -- start ---------------------------------------------------------------------------------
  var rendered = false;
  function render() {
    var before = view;
    view = readHash();
    renderDate();
    renderDetail();
    var title = D.title + " — " + dateText(view.day, view.precision);
    if (view.person) title = D.people[view.person].name + " — " + title;
    else if (view.unit) title = D.units[view.unit].name + " — " + title;
    document.title = title;
    var moved = before.person !== view.person || before.unit !== view.unit || before.event !== view.event;
    if (rendered && moved) { // focus follows a chosen person, unit or event (not on page load)
      if (view.person || view.unit || view.event) $("detail").focus({ preventScroll: true });
    }
    rendered = true;
  }
  window.addEventListener("hashchange", render);
  $("stale-days").textContent = String(D.stale_after_days);
  if (anyStale) Array.prototype.forEach.call(document.querySelectorAll(".legend-stale"), function (n) { n.hidden = false; });
  function count(n, what) { return n + " " + what + (n === 1 ? "" : "s"); }
  var cover = "History of " + count(D.events.length, "event") + " and " + count(D.sources.length, "source");
  if (stops.length) {
    var first = written(stops[0], stopPrecision[stops[0]]), last = written(stops[stops.length - 1], stopPrecision[stops[stops.length - 1]]);
    cover += ", " + (first === last ? first : first + " to " + last);
  }
  if (D.coverage !== null) cover += "; the data's knowledge reaches " + D.coverage;
  $("coverage").textContent = cover + ".";
  render();
  document.documentElement.setAttribute("data-ready", "true");
  window.reorgReadyAt = performance.now(); // when the page became interactive (make bench)
})();
