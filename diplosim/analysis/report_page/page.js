/* diplosim report: draws the page from the data block in it (the JSON contracts of the command line).
   Everything is made here, with the DOM and SVG: no library, no request to any address. */
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("data").textContent);
  const M = D.meta;
  const STR = D.strings;
  const DAY = 86400000;
  const PALETTE = ["#222222", "#c1440e", "#1b7f5f", "#5b4fa8", "#b8236d", "#4d7c0f", "#8a6d00"];
  const DIRS = ["#b3261e", "#1f5fa8"];
  const SVGNS = "http://www.w3.org/2000/svg";
  const ROW_LIMIT = 250;

  // --- small helpers ---------------------------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    setAttrs(e, attrs);
    for (const k of kids.flat()) if (k != null && k !== false) e.append(k instanceof Node ? k : String(k));
    return e;
  }
  function sv(tag, attrs, ...kids) {
    const e = document.createElementNS(SVGNS, tag);
    setAttrs(e, attrs);
    for (const k of kids.flat()) if (k != null && k !== false) e.append(k instanceof Node ? k : String(k));
    return e;
  }
  function setAttrs(e, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
  }
  function unpack(p) {
    if (!p) return [];
    if (!p.cols) return p.rows;
    return p.rows.map((r) => Array.isArray(r) ? Object.fromEntries(p.cols.map((c, i) => [c, r[i]])) : r);
  }
  const dayOf = (iso) => { const [y, m, d] = iso.slice(0, 10).split("-").map(Number); return Math.round(Date.UTC(y, m - 1, d) / DAY); };
  const isoOf = (day) => new Date(day * DAY).toISOString().slice(0, 10);
  const num = (n) => (n == null || n === "") ? "" : (typeof n === "number" ? n.toLocaleString("en-US") : String(n));
  const has = (o, k) => o != null && Object.prototype.hasOwnProperty.call(o, k);
  const cname = (c) => (D.countries[c] ? `${c} (${D.countries[c]})` : c);
  function signed(n) { return n > 0 ? `+${num(n)}` : n < 0 ? `\u2212${num(-n)}` : "±0"; }

  /** A figure that may be a range, as the command line's tables print it: 490, ≥9, ≤20, 1,000–1,200, ~1,100, ?. */
  function rangeText(low, high, about, change) {
    low = low || 0;
    if (low === high) return num(low);
    const bounds = high == null ? (low > 0 ? `≥${num(low)}` : "") : (low === 0 ? `≤${num(high)}` : `${num(low)}–${num(high)}`);
    const brackets = about != null && bounds ? [bounds] : [];
    if (change) brackets.push(signed(change));
    const main = about != null ? `~${num(about)}` : (bounds || "?");
    return main + (brackets.length ? ` (${brackets.join(", ")})` : "");
  }
  const MARKS = { assumed: ["*", "assumed: no source gives the figure; the log's author chose it"],
                  inferred: ["†", "inferred: at least what the acts on the mission imply; no source gives its size"] };
  const marks = (m) => (MARKS[m.staff_basis] || [""])[0];
  function staffRange(m) {
    if (!m) return null;
    if (has(m, "staff_min")) return { lo: m.staff_min || 0, hi: m.staff_max, about: m.staff_about };
    return m.staff == null ? { lo: 0, hi: null, about: null } : { lo: m.staff, hi: m.staff, about: null };
  }
  function staffText(m) {
    if (m.staff != null && !(has(m, "staff_min") && m.staff_min !== m.staff_max)) return num(m.staff) + marks(m);
    const r = staffRange(m);
    return rangeText(r.lo, r.hi, r.about, m.staff_change) + marks(m);
  }
  function pendingText(m) {
    const lo = m.pending_departures || 0;
    return rangeText(lo, has(m, "pending_max") ? m.pending_max : lo);
  }
  function nextDeadline(m) {
    const deps = m.departures || [];
    if (!deps.length) return m.departure_deadline || "";
    const known = deps.filter((d) => d.deadline).sort((a, b) => a.deadline < b.deadline ? -1 : 1);
    if (!known.length) return "unknown";
    return known[0].deadline + (known[0].deadline_assumed ? " (assumed)" : "") + (known.length < deps.length ? "; unknown" : "");
  }
  function capText(m) {
    if (m.cap != null) return num(m.cap);
    if (m.cap_rule === "parity") return "parity" + (m.cap_min != null ? ` (${rangeText(m.cap_min, m.cap_max)})` : "");
    return "";
  }
  const statusText = (r) => r.status === "closing"
    ? `closing (${r.becomes ? r.becomes + " from " : "effective "}${r.effective || "?"})` : (r.status || "");
  const valueText = (v) => v == null ? "none" : Array.isArray(v) ? (v.length ? v.join(", ") : "none") : num(v);
  function sourceNode(text) {
    if (/^https?:\/\/[^\s"<>]+$/i.test(text)) return h("a", { href: text, rel: "noopener noreferrer", target: "_blank", text });
    return document.createTextNode(text);
  }
  function sourcesNode(ids, generated) {
    const span = h("span", { class: "sources" });
    (ids || []).map((i) => STR[i] ?? String(i)).forEach((t, k) => { if (k) span.append("; "); span.append(sourceNode(t)); });
    if (generated) { if (span.childNodes.length) span.append("; "); span.append(`generated by ${generated}`); }
    return span;
  }

  // --- courses: states rebuilt from the per-date changes -----------------------------------------------------------
  const POOL = {};
  const poolOf = (t) => POOL[t] || (POOL[t] = unpack(D.pool[t]));
  const DATES = D.dates;
  const DAYS = DATES.map(dayOf);
  const FIRST = DAYS[0], END = DAYS[DAYS.length - 1];
  function indexAt(day) {  // the last sampled date at or before day
    let lo = 0, hi = DAYS.length - 1, best = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (DAYS[mid] <= day) { best = mid; lo = mid + 1; } else hi = mid - 1; }
    return best;
  }
  class Course {
    constructor(c, k) {
      Object.assign(this, c);
      this.k = k;
      this.colour = PALETTE[k % PALETTE.length];
      this.at = -1;
      this.tables = {};
      this.on = k === 0;
    }
    state(i) {
      if (i < this.at) { this.at = -1; this.tables = {}; }
      for (let j = this.at + 1; j <= i; j++) {
        for (const [t, changes] of Object.entries(this.deltas[j] || {})) {
          const map = this.tables[t] || (this.tables[t] = new Map());
          for (const [key, idx] of changes) { if (idx < 0) map.delete(key); else map.set(key, poolOf(t)[idx]); }
        }
      }
      this.at = Math.max(this.at, i);
      return this.tables;
    }
    /** Per mission key, the record at each sampled date where it changed: [[dateIndex, record|null], ...]. */
    get series() {
      if (this._series) return this._series;
      const out = {};
      this.deltas.forEach((delta, j) => {
        for (const [key, idx] of delta.missions || []) (out[key] = out[key] || []).push([j, idx < 0 ? null : poolOf("missions")[idx]]);
      });
      return (this._series = out);
    }
    /** The chain behind a figure: {subject, steps} (all its steps; the page shows those up to the date), or {error}. */
    chain(key) {
      const c = this.chains && this.chains[key];
      if (!c || !Array.isArray(c)) return c;
      if (!this._steps) this._steps = unpack(this.steps);
      return { subject: c[0], steps: this._steps.slice(c[1], c[1] + c[2]) };
    }
  }
  const COURSES = D.courses.map((c, k) => new Course(c, k));
  const MAIN = COURSES[0];
  const TIMELINE = unpack(D.timeline);
  for (const r of TIMELINE) r.day = dayOf(r.date);
  // the dates [ and ] step to: those with events, and those on which a state changes (a deadline passes)
  const CHANGED = DAYS.filter((d, j) => COURSES.some((c) => Object.keys(c.deltas[j] || {}).length));
  const STOPS = [...new Set(CHANGED.concat(TIMELINE.map((r) => r.day)))].sort((a, b) => a - b);
  const state = { day: END, course: 0, figure: null };

  // --- the date bar ----------------------------------------------------------------------------------------------
  const slider = $("date-slider"), field = $("date-field");
  slider.max = END - FIRST;
  field.min = isoOf(FIRST); field.max = isoOf(END);
  slider.addEventListener("input", () => setDay(FIRST + Number(slider.value)));
  // a date typed in: taken once it is in the log's period (typing a year passes through 0002, 0020, 0201...)
  const typed = () => {
    const ok = /^\d{4}-\d{2}-\d{2}$/.test(field.value) && dayOf(field.value) >= FIRST && dayOf(field.value) <= END;
    field.setAttribute("aria-invalid", ok || !field.value ? "false" : "true");
    if (ok && dayOf(field.value) !== state.day) setDay(dayOf(field.value));
  };
  field.addEventListener("input", typed);
  field.addEventListener("change", typed);
  field.addEventListener("blur", () => { field.value = isoOf(state.day); field.setAttribute("aria-invalid", "false"); });
  $("prev-event").addEventListener("click", () => step(-1));
  $("next-event").addEventListener("click", () => step(1));
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    const typing = t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement
      || (t instanceof HTMLInputElement && t.type !== "range" && t.type !== "checkbox");
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "[" || e.key === "]") { e.preventDefault(); step(e.key === "]" ? 1 : -1); }
  });
  function step(dir) {
    const next = dir > 0 ? STOPS.find((d) => d > state.day) : [...STOPS].reverse().find((d) => d < state.day);
    if (next != null) setDay(next);
  }
  if (COURSES.length > 1) {
    const sel = h("select", { id: "course-select", onchange: (e) => { state.course = Number(e.target.value); state.figure = null; renderDate(); } },
      COURSES.map((c, k) => h("option", { value: k, text: k ? `scenario ${c.label}` : c.label })));
    $("course-choice").append(h("label", { for: "course-select", text: "Tables show " }), sel);
  }
  function setDay(day) {
    state.day = Math.min(END, Math.max(FIRST, day));
    slider.value = state.day - FIRST;
    const iso = isoOf(state.day);
    slider.setAttribute("aria-valuetext", iso);
    field.value = iso;
    renderDate();
    drawTodayLines();
    renderScenarioDiffs();
  }

  // --- at a date: state tables -------------------------------------------------------------------------------------
  function table(id, caption, cols, rows, opts = {}) {
    const wrap = h("div", { class: "scroll" });
    const t = h("table", { id });
    t.append(h("caption", { text: caption, class: opts.quietCaption ? "visually-hidden" : null }));
    t.append(h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col", class: c.num ? "num" : null, text: c.label })))));
    const body = h("tbody");
    if (!rows.length) body.append(h("tr", {}, h("td", { colspan: cols.length, class: "empty", text: opts.empty || "none" })));
    for (const r of rows) {
      const tr = h("tr", { "data-key": opts.key ? opts.key(r) : null });
      cols.forEach((c, i) => {
        const v = c.render ? c.render(r) : r[c.key];
        const date = typeof v === "string" && /^~?\d{4}-\d{2}-\d{2}$/.test(v);
        const cell = h(i === 0 && opts.rowHeader ? "th" : "td", { class: c.num ? "num" : date ? "date" : null, scope: i === 0 && opts.rowHeader ? "row" : null });
        cell.append(v instanceof Node ? v : document.createTextNode(v == null ? "" : Array.isArray(v) ? v.join(", ") : num(v)));
        tr.append(cell);
      });
      body.append(tr);
    }
    t.append(body);
    wrap.append(t);
    return wrap;
  }
  // a state table: only rows with the country chosen, and the first STATE_LIMIT unless the reader asks for all
  const STATE_LIMIT = 100;
  const expanded = new Set();
  function stateTable(title, id, caption, cols, rows, opts = {}) {
    const c = $("state-country").value;
    if (c && opts.who) rows = rows.filter((r) => opts.who(r).includes(c));
    const all = rows.length, cut = !expanded.has(id) && all > STATE_LIMIT;
    const out = [h("h3", { text: title }), table(id, caption + (c ? `, ${cname(c)} in them` : ""), cols,
      cut ? rows.slice(0, STATE_LIMIT) : rows, Object.assign({ quietCaption: true }, opts))];
    if (cut) {
      const more = h("button", { type: "button", class: "more", text: `Show all ${num(all)} rows` });
      more.addEventListener("click", () => { expanded.add(id); renderDate(); });
      out.push(h("p", { class: "cut-note" }, `The first ${STATE_LIMIT} of ${num(all)} rows. `, more));
    }
    return out;
  }
  const FIGURE_WORDS = { staff: "staff of the", pending: "departures pending from the", cap: "cap on the",
                         property: "status of", sanction: "measures of the" };
  function figButton(key, text, label) {
    if (text === "" || text == null) return "";
    const b = h("button", { type: "button", class: "fig", "data-figure": key, "aria-pressed": state.figure === key ? "true" : "false",
      "aria-label": `${label}: ${text}. Show where it comes from`, text });
    b.addEventListener("click", () => { state.figure = key; showChain(key, text, false, b); markPressed(); });
    return b;
  }
  function markPressed() {
    for (const b of document.querySelectorAll("button.fig")) b.setAttribute("aria-pressed", b.dataset.figure === state.figure ? "true" : "false");
  }
  /** A table's records with the lists kept apart in the page (a mission's posts, its reported figures) put back. */
  function withParts(tables, name) {
    const whole = tables[name] || new Map();
    const out = new Map([...whole].map(([k, r]) => [k, Object.assign({}, r)]));
    for (const t of (D.parts || []).filter((t) => t.startsWith(name + "."))) {
      const field = t.slice(name.length + 1);
      for (const r of out.values()) r[field] = [];
      for (const [key, rec] of tables[t] || []) { const parent = out.get(key.split("\x1f")[0]); if (parent) parent[field].push(rec); }
    }
    return [...out.values()];
  }
  const sortBy = (f) => (a, b) => { const x = f(a), y = f(b); return x < y ? -1 : x > y ? 1 : 0; };

  function renderDate() {
    const iso = isoOf(state.day);
    const i = indexAt(state.day);
    const course = COURSES[state.course];
    const tables = course.state(i);
    const sampled = DATES[i];
    $("at-date-h").textContent = `At a date: ${iso}`;  // printed, the page says which date it shows
    const status = $("date-status");
    status.textContent = "";
    status.append(`${iso}`, h("span", { class: "sub", text: ` — ${course.k ? "scenario " + course.label : course.label}` +
      (sampled !== iso && !M.exact ? `; state of ${sampled}, the nearest sampled date before (this long log is sampled on ${DATES.length} dates)` : "") }));
    // events of the date
    const box = $("events-of-date");
    box.textContent = "";
    const todays = TIMELINE.filter((r) => r.day === state.day);
    const extra = course.scenario ? unpack(course.scenario.events).filter((r) => r.date === iso) : [];
    box.append(h("h3", { text: `Events on ${iso}` }));
    if (!todays.length && !extra.length) box.append(h("p", { class: "empty", text: "No event on this date." }));
    else box.append(eventList(todays.concat(extra), "t-today", `Events on ${iso}`));
    // tables (the explanation panel goes home first: it may sit under one of them)
    const out = $("state-tables");
    out.after($("explain"));
    out.textContent = "";
    const get = (t) => [...((tables[t] || new Map()).values())];
    const missions = withParts(tables, "missions").sort(sortBy((m) => m.sending + "|" + m.host));
    const anyMarks = missions.some((m) => marks(m));
    const anyHead = missions.some((m) => m.head);
    const anyClosing = missions.some((m) => (m.posts || []).some((p) => p.status === "closing"));
    const mcols = [
      { key: "sending", label: "Sending" }, { key: "host", label: "Host" },
      { label: "Staff", num: true, render: (m) => figButton(`staff|${m.sending}|${m.host}`, staffText(m), `Staff of the ${m.sending} mission in ${m.host}`) },
      { label: "Pending departures", num: true, render: (m) => figButton(`pending|${m.sending}|${m.host}`, pendingText(m), `Departures pending from the ${m.sending} mission in ${m.host}`) },
      { label: "Next deadline", render: nextDeadline },
      { label: "Cap", num: true, render: (m) => figButton(`cap|${m.sending}|${m.host}`, capText(m), `Cap on the ${m.sending} mission in ${m.host}`) },
      { key: "cap_deadline", label: "Cap deadline" },
      { label: "Posts open", num: true, render: (m) => (m.posts || []).filter((p) => p.status === "open").length },
    ];
    if (anyClosing) mcols.push({ label: "Posts closing", num: true, render: (m) => (m.posts || []).filter((p) => p.status === "closing").length });
    mcols.push({ label: "Posts closed", num: true, render: (m) => (m.posts || []).filter((p) => p.status === "closed").length });
    if (anyHead) mcols.push({ key: "head", label: "Head of mission" });
    out.append(...stateTable("Missions", "t-missions", `Missions on ${iso}`, mcols, missions, { key: (m) => `${m.sending}|${m.host}`, empty: "no mission", who: (m) => [m.sending, m.host] }));
    if (anyMarks) out.append(h("p", { class: "legend-line" }, Object.values(MARKS).map(([mk, text]) => `${mk} ${text}. `)));
    const posts = missions.flatMap((m) => (m.posts || []).map((p) => Object.assign({ sending: m.sending, host: m.host }, p)));
    out.append(...stateTable("Posts", "t-posts", `Posts on ${iso}`, [
      { key: "sending", label: "Sending" }, { key: "host", label: "Host" }, { key: "name", label: "Post" },
      { key: "kind", label: "Kind" }, { label: "Status", render: statusText }, { key: "since", label: "Since" }], posts, { who: (p) => [p.sending, p.host] }));
    const props = get("properties").sort(sortBy((p) => p.id));
    out.append(...stateTable("Properties", "t-properties", `Properties on ${iso}`, [
      { key: "name", label: "Property" }, { key: "owner", label: "Owner" }, { key: "host", label: "Host" }, { key: "kind", label: "Kind" },
      { label: "Status", render: (p) => figButton(`property|${p.id}`, statusText(p), `Status of ${p.name}`) },
      { key: "since", label: "Since" }, { key: "event_id", label: "Event" }], props, { who: (p) => [p.owner, p.host] }));
    const sanctions = get("sanctions").sort(sortBy((x) => x.since || ""));
    out.append(...stateTable("Sanctions", "t-sanctions", `Sanctions in force on ${iso}`, [
      { key: "imposer", label: "Imposer" }, { key: "target", label: "Target" }, { key: "target_kind", label: "Kind" },
      { key: "target_country", label: "Country" },
      { label: "Measures", render: (x) => figButton(`sanction|${x.imposer}|${x.target}`, (x.measures || []).join(", "), `Measures of ${x.imposer} on ${x.target}`) },
      { label: "Legal basis", render: (x) => [x.legal_basis].concat(x.authorities || []).filter(Boolean).join("; ") },
      { key: "since", label: "Since" }], sanctions, { who: (x) => [x.imposer, x.target_country] }));
    const designations = get("designations");
    if (has(tables, "designations") || designations.length) {
      out.append(...stateTable("Designations not named", "t-designations", `Targets designated without names, on ${iso}`, [
        { key: "imposer", label: "Imposer" }, { key: "target_country", label: "Country" }, { key: "count", label: "Targets", num: true },
        { key: "measures", label: "Measures" }, { key: "legal_basis", label: "Legal basis" }, { key: "since", label: "Since" },
        { key: "event_id", label: "Event" }], designations, { who: (x) => [x.imposer, x.target_country] }));
    }
    const contacts = get("contacts_suspended");
    if (has(tables, "contacts_suspended") || contacts.length) {
      out.append(...stateTable("Contacts suspended", "t-contacts", `Contacts suspended on ${iso}`, [
        { key: "actor", label: "By" }, { key: "target", label: "With" }, { key: "scope", label: "Scope" }, { key: "since", label: "Since" },
        { key: "event_id", label: "Event" }], contacts, { who: (x) => [x.actor, x.target] }));
    }
    const open = get("open_proposals").sort(sortBy((o) => o.date || ""));
    out.append(...stateTable("Open proposals and threats", "t-open", `Open proposals and threats on ${iso}`, [
      { key: "date", label: "Date" }, { key: "kind", label: "Kind" }, { key: "actor", label: "Actor" }, { key: "target", label: "Target" },
      { key: "summary", label: "What" }, { key: "event_id", label: "Event" }], open, { who: (o) => [o.actor, o.target] }));
    const claims = missions.flatMap((m) => (m.reported || []).map((c) => Object.assign({ sending: m.sending, host: m.host, modelled: staffText(m) }, c)));
    out.append(...stateTable("Reported staffing figures", "t-claims", `Reported staffing figures (attributed claims, beside the modelled staff) on ${iso}`, [
      { key: "sending", label: "Sending" }, { key: "host", label: "Host" }, { key: "qualifier", label: "Qualifier" },
      { key: "figure", label: "Figure", num: true }, { label: "Modelled staff", num: true, render: (c) => c.modelled },
      { key: "by", label: "By" }, { key: "date", label: "Date" }, { key: "event_id", label: "Event" }], claims, { who: (c) => [c.sending, c.host] }));
    const known = new Set(["missions", "missions.posts", "missions.reported", "properties", "sanctions", "designations", "contacts_suspended", "open_proposals", "countries"]);
    for (const t of Object.keys(tables).filter((t) => !known.has(t))) {  // a table this page does not know yet
      const rows = get(t).filter((r) => r && typeof r === "object");
      if (!rows.length) continue;
      const cols = [...new Set(rows.flatMap(Object.keys))].map((k) => ({ key: k, label: k, render: (r) => typeof r[k] === "object" && r[k] ? JSON.stringify(r[k]) : r[k] }));
      out.append(h("h3", { text: t.replace(/_/g, " ") }), table(`t-${t}`, `${t.replace(/_/g, " ")} on ${iso}`, cols, rows));
    }
    if (state.figure) {
      const b = document.querySelector(`button.fig[data-figure="${CSS.escape(state.figure)}"]`);
      if (b) showChain(state.figure, b.textContent, true, b); else $("explain").hidden = true;
    }
  }

  function eventList(rows, id, caption) {
    return table(id, caption, [
      { label: "Event", render: (r) => r.id + (r.mark ? ` (${r.mark})` : "") }, { key: "actor", label: "Actor" }, { key: "target", label: "Target" },
      { key: "type", label: "Type" }, { label: "CAMEO", render: (r) => r.cameo ? `${r.cameo} ${r.cameo_label}` : "record" },
      { key: "summary", label: "What" }, { label: "Sources", render: (r) => sourcesNode(r.sources, r.generated_by) }], rows);
  }

  // --- every number explains itself --------------------------------------------------------------------------------
  function explainCommand(key, iso) {
    const [fig, a, b] = key.split("|");
    const course = COURSES[state.course];
    const where = course.scenario ? ` --scenario ${course.scenario.file}` : (M.log_args ? " " + M.log_args : "");
    const what = fig === "property" ? `--property ${a}` : fig === "sanction" ? `--imposer ${a} --target "${key.split("|").slice(2).join("|")}"` : `--sending ${a} --host ${b}`;
    return `diplosim explain ${fig} ${what} --at ${iso}${where}`;
  }
  function showChain(key, shown, quiet, button) {
    const panel = $("explain"), body = $("explain-body");
    const wrap = button && button.closest(".scroll");
    if (wrap) wrap.after(panel);  // right under the table of the figure
    const iso = isoOf(state.day);
    const course = COURSES[state.course];
    const chain = course.chain(key);
    body.textContent = "";
    const fig = key.split("|")[0];
    const subject = chain && chain.subject ? chain.subject : key.split("|").slice(1).join(" ");
    body.append(h("p", { class: "chain-title" }, h("strong", { text: `${FIGURE_WORDS[fig]} ${subject} on ${iso}: ${shown}` })));
    const cmd = explainCommand(key, iso);
    if (!chain || chain.error) {
      const why = chain ? `diplosim explain cannot explain this figure: ${chain.error}` : M.chains_complete
        ? `No event of the log changed this figure up to ${iso}.`
        : `This long log's page keeps ${num(M.max_chain_steps)} steps of explanations, and this figure's are not among them.`;
      body.append(h("p", { text: why }), h("p", {}, "On the command line: ", h("code", { text: cmd })));
    } else {
      const steps = chain.steps.filter((s) => s.date <= iso);
      const rows = steps.map((s) => ({ date: s.date, event: s.event_id, effect: s.effect, from: valueText(s.from), to: valueText(s.to),
        sources: sourcesNode(s.sources, s.generated_by), notes: ["derived", "assumed", "disputed"].filter((k) => s[k]).map((k) => `${k}: ${s[k]}`) }));
      rows.push({ date: iso, event: "(state)", effect: `= ${shown}`, from: "", to: shown, sources: h("code", { text: `diplosim state --at ${iso}` }), notes: [] });
      body.append(table("t-chain", `The chain of events behind it, up to ${iso}`, [
        { key: "date", label: "Date" }, { key: "event", label: "Event" }, { key: "effect", label: "Effect" },
        { key: "from", label: "From" }, { key: "to", label: "To" }, { label: "Sources", render: (r) => r.sources }], rows));
      const notes = rows.filter((r) => r.notes.length);
      if (notes.length) body.append(h("ul", { class: "notes" }, notes.map((r) => h("li", { text: `${r.event}: ${r.notes.join("; ")}` }))));
      body.append(h("p", { class: "hint" }, "The same chain on the command line: ", h("code", { text: cmd })));
    }
    panel.hidden = false;
    if (!quiet) { panel.scrollIntoView({ block: "nearest" }); $("explain-h").focus({ preventScroll: true }); }
  }

  // --- charts: shared pieces ---------------------------------------------------------------------------------------
  const W = 920, ML = 60, MR = 14;
  const xOf = (day) => ML + (W - ML - MR) * (day - FIRST) / Math.max(1, END - FIRST);
  const dayAtX = (x) => Math.round(FIRST + (x - ML) / (W - ML - MR) * Math.max(1, END - FIRST));
  function niceTicks(lo, hi, n) {
    const span = hi - lo || 1, raw = span / n, mag = 10 ** Math.floor(Math.log10(raw));
    const stepv = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) || raw;
    const out = [];
    for (let v = Math.ceil(lo / stepv) * stepv; v <= hi + 1e-9; v += stepv) out.push(Math.round(v * 1000) / 1000 || 0);
    return out;
  }
  function timeTicks() {
    const span = END - FIRST, out = [];
    // about ten labels at most: months, quarters, half-years, years... (YYYY-MM is some 60 pixels wide)
    const months = span <= 120 ? 0 : [1, 2, 3, 6, 12, 24, 60, 120, 240].find((m) => span / 30.44 / m <= 10) || 480;
    if (!months) { for (const v of niceTicks(FIRST, END, 6)) out.push([Math.round(v), isoOf(Math.round(v)).slice(5)]); return out; }
    const d0 = new Date(FIRST * DAY);
    let y = d0.getUTCFullYear(), m = d0.getUTCMonth() + 1;  // months from 0; the first tick is on a month's first day
    for (;; m++) {
      if (m > 11) { m -= 12; y += 1; }
      const day = Math.round(Date.UTC(y, m, 1) / DAY);
      if (day > END) break;
      if ((y * 12 + m) % months === 0) out.push([day, months >= 12 ? String(y) : `${y}-${String(m + 1).padStart(2, "0")}`]);
    }
    return out;
  }
  function axes(g, H, MT, MB, yTicks, yOf) {
    const ax = sv("g", { class: "axis" });
    for (const [day, label] of timeTicks()) {
      const x = xOf(day);
      ax.append(sv("line", { x1: x, x2: x, y1: MT, y2: H - MB, class: "grid" }), sv("text", { x, y: H - MB + 14, "text-anchor": "middle" }, label));
    }
    for (const v of yTicks) {
      const y = yOf(v);
      ax.append(sv("line", { x1: ML, x2: W - MR, y1: y, y2: y, class: "grid" }), sv("text", { x: ML - 6, y: y + 4, "text-anchor": "end" }, num(v)));
    }
    ax.append(sv("line", { x1: ML, x2: ML, y1: MT, y2: H - MB }), sv("line", { x1: ML, x2: W - MR, y1: H - MB, y2: H - MB }));
    g.append(ax);
  }
  const tip = $("tooltip");
  function showTip(lines, x, y) {
    tip.textContent = "";
    lines.forEach((l, i) => { if (i) tip.append(h("br")); tip.append(l); });
    tip.hidden = false;
    const r = tip.getBoundingClientRect();
    tip.style.left = Math.max(4, Math.min(window.innerWidth - r.width - 4, x + 14)) + "px";
    tip.style.top = Math.max(4, Math.min(window.innerHeight - r.height - 4, y + 14)) + "px";
  }
  const hideTip = () => { tip.hidden = true; };
  function drawTodayLines() {
    for (const l of document.querySelectorAll("line.today")) { const x = xOf(state.day); l.setAttribute("x1", x); l.setAttribute("x2", x); }
  }
  function todayLine(g, MT, H, MB) {
    g.append(sv("line", { class: "today", y1: MT, y2: H - MB, x1: xOf(state.day), x2: xOf(state.day) }));
  }
  function hoverLayer(svg, g, MT, H, MB, describe) {
    const line = sv("line", { class: "hover-line", y1: MT, y2: H - MB, visibility: "hidden" });
    const rect = sv("rect", { x: ML, y: MT, width: W - ML - MR, height: H - MT - MB, fill: "transparent" });
    const at = (ev) => { const p = svg.getBoundingClientRect(); return dayAtX((ev.clientX - p.left) * W / p.width); };
    rect.addEventListener("mousemove", (ev) => {
      const day = Math.min(END, Math.max(FIRST, at(ev)));
      line.setAttribute("x1", xOf(day)); line.setAttribute("x2", xOf(day)); line.setAttribute("visibility", "visible");
      showTip(describe(day), ev.clientX, ev.clientY);
    });
    rect.addEventListener("mouseleave", () => { line.setAttribute("visibility", "hidden"); hideTip(); });
    rect.addEventListener("click", (ev) => setDay(at(ev)));
    g.append(rect, line);
  }

  // --- staffing over time ------------------------------------------------------------------------------------------
  const missionKeys = [...new Set(COURSES.flatMap((c) => Object.keys(c.series)))].sort();
  const peak = {};
  for (const key of missionKeys) {
    peak[key] = Math.max(0, ...COURSES.flatMap((c) => (c.series[key] || []).map(([, m]) => {
      const r = staffRange(m); return r ? (r.hi ?? r.about ?? r.lo) : 0;
    })));
  }
  const chosen = new Set([...missionKeys].sort((a, b) => peak[b] - peak[a]).slice(0, 4));
  function buildPairChooser() {
    const list = $("pair-list");
    list.textContent = "";
    const filter = $("pair-filter").value.trim().toLowerCase();
    for (const key of missionKeys) {
      const [s, hst] = key.split("|");
      const label = `${s} mission in ${hst}`;
      if (filter && !`${label} ${D.countries[s] || ""} ${D.countries[hst] || ""}`.toLowerCase().includes(filter)) continue;
      const id = `pair-${key.replace("|", "-")}`;
      const box = h("input", { type: "checkbox", id, checked: chosen.has(key) });
      box.addEventListener("change", () => { if (box.checked) chosen.add(key); else chosen.delete(key); drawStaffing(); });
      list.append(h("div", {}, h("label", { for: id }, box, ` ${label}`)));
    }
    $("pair-count").textContent = `${chosen.size} of ${missionKeys.length}`;
  }
  $("pair-filter").addEventListener("input", buildPairChooser);
  $("pairs-none").addEventListener("click", () => { chosen.clear(); buildPairChooser(); drawStaffing(); });
  if (missionKeys.length <= 4) $("pair-chooser").open = true;

  /** Steps of one mission in one course: [{from, to, r: staff range, m: record}] over the period. */
  function steps(course, key) {
    const ser = course.series[key] || [];
    return ser.map(([j, m], n) => ({ from: DAYS[j], to: n + 1 < ser.length ? DAYS[ser[n + 1][0]] : END + 1, m, r: staffRange(m) })).filter((s) => s.m);
  }
  function recordAt(course, key, day) {
    const i = indexAt(day);
    let found = null;
    for (const [j, m] of course.series[key] || []) { if (j <= i) found = m; else break; }
    return found;
  }
  function drawStaffing() {
    const out = $("staffing-charts");
    out.textContent = "";
    $("pair-count").textContent = `${chosen.size} of ${missionKeys.length}`;
    const shown = COURSES.filter((c) => c.on);
    if (!chosen.size) out.append(h("p", { class: "empty", text: "No mission chosen: open “Missions shown” above." }));
    const sample = (d, extra) => sv("svg", { width: 26, height: 12, "aria-hidden": "true" }, extra || sv("path", Object.assign({ d: "M1,6H25", fill: "none", stroke: "#222" }, d)));
    out.append(h("p", { class: "key" },
      h("span", {}, sample({ "stroke-width": 2.6 }), "staff"),
      h("span", {}, sample(null, sv("rect", { x: 1, y: 1, width: 24, height: 10, fill: "#222", "fill-opacity": 0.2 })), "staff within a range"),
      h("span", {}, sample({ "stroke-width": 1.6, "stroke-dasharray": "1 3" }), "departures pending"),
      h("span", {}, sample(null, sv("path", { d: "M13,0V12", stroke: "#6b6b6b", "stroke-dasharray": "4 3" })), "deadline"),
      h("span", {}, sample(null, sv("path", { d: "M13,1L19,11L7,11Z", fill: "#fff", stroke: "#222", "stroke-width": 1.5 })), "event that moved it"),
      h("span", {}, sample(null, sv("path", { d: "M13,0V12", stroke: "#b35c00", "stroke-width": 1.5 })), "date shown")));
    if (shown.length > 1) out.append(h("p", { class: "key" }, shown.map((c) => h("span", {}, h("span", { class: "swatch", style: null, "data-colour": c.colour }), c.k ? `scenario ${c.label}` : c.label))));
    for (const key of missionKeys.filter((k) => chosen.has(k))) out.append(staffChart(key, shown));
    for (const s of out.querySelectorAll(".swatch[data-colour]")) s.style.background = s.dataset.colour;
    drawTodayLines();
    drawEscalation();
  }
  function staffChart(key, shown) {
    const [sending, host] = key.split("|");
    const H = 220, MT = 20, MB = 24;
    const ymax = Math.max(10, ...shown.flatMap((c) => steps(c, key).map((s) => Math.max(s.r.hi ?? s.r.lo, s.r.about ?? 0, s.m.pending_departures || 0, s.m.cap ?? 0)))) * 1.08;
    const yOf = (v) => H - MB - (H - MT - MB) * Math.min(v, ymax) / ymax;
    const title = `${sending} mission in ${host}`;
    const svg = sv("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `${title}: staff over time${shown.length > 1 ? ", real course and scenarios" : ""}`, "data-pair": key });
    const g = sv("g");
    svg.append(g);
    axes(g, H, MT, MB, niceTicks(0, ymax, 4), yOf);
    g.append(sv("text", { x: ML - 6, y: MT - 8, "text-anchor": "end" }, "people"));
    const deadlines = new Set();
    for (const c of shown) {
      const st = steps(c, key);
      const dash = c.k ? "6 3" : null;
      const width = c.k ? 2 : 2.6;
      let line = "", about = "", pend = "", joined = false;
      for (const s of st) {
        const x1 = xOf(s.from), x2 = xOf(Math.min(s.to, END));
        if (s.r.lo !== s.r.hi) {  // a range: a band from its low to its high end (the top of the chart when open)
          const top = yOf(s.r.hi ?? ymax), bottom = yOf(s.r.lo);
          g.append(sv("rect", { x: x1, y: top, width: Math.max(1, x2 - x1), height: Math.max(1, bottom - top), fill: c.colour, "fill-opacity": s.r.hi == null ? 0.1 : 0.2, class: "band" }));
          if (s.r.about != null) about += `M${x1},${yOf(s.r.about)}H${x2}`;
          joined = false;
        } else { line += `${joined ? "L" : "M"}${x1},${yOf(s.r.lo)}H${x2}`; joined = true; }
        const p = s.m.pending_departures || 0;
        if (p) pend += `M${x1},${yOf(p)}H${x2}`;
        for (const d of s.m.departures || []) if (d.deadline) deadlines.add(dayOf(d.deadline));
        if (s.m.cap_deadline) deadlines.add(dayOf(s.m.cap_deadline));
      }
      if (line) g.append(sv("path", { d: line, fill: "none", stroke: c.colour, "stroke-width": width, "stroke-dasharray": dash, class: "staff-line", "data-course": c.id }));
      if (about) g.append(sv("path", { d: about, fill: "none", stroke: c.colour, "stroke-width": 1.5, "stroke-dasharray": "2 3" }));
      if (pend) g.append(sv("path", { d: pend, fill: "none", stroke: c.colour, "stroke-width": 1.6, "stroke-dasharray": "1 3", class: "pending-line" }));
    }
    for (const d of deadlines) if (d >= FIRST && d <= END) g.append(sv("line", { class: "deadline", x1: xOf(d), x2: xOf(d), y1: MT, y2: H - MB }));
    hoverLayer(svg, g, MT, H, MB, (day) => [`${isoOf(day)} · ${title}`].concat(shown.map((c) => {
      const m = recordAt(c, key, day);
      return `${c.k ? c.label : c.label}: ${m ? `staff ${staffText(m)}, ${pendingText(m)} pending` : "no mission"}`;
    })).concat(movesOn(shown, key, day).map((s) => `${s.event_id}: ${s.effect}`)));
    todayLine(g, MT, H, MB);
    // markers: the events that moved the staff, from the chain behind the figure
    for (const c of shown) {
      const chain = c.chain(`staff|${key}`);
      if (!chain || chain.error) continue;
      const all = chain.steps;
      const focusable = all.length <= 60;
      for (const s of all) {
        const day = dayOf(s.date);
        if (day < FIRST || day > END) continue;
        const m = recordAt(c, key, day);
        const r = staffRange(m) || { lo: 0 };
        const x = xOf(day), y = yOf(typeof s.to === "number" ? s.to : r.hi != null && r.lo === r.hi ? r.lo : (r.about ?? r.lo));
        const label = `${s.date}: ${c.label}, ${title}, staff ${m ? staffText(m) : valueText(s.to)} — ${s.event_id}: ${s.effect}`;
        const mk = sv("path", { d: `M${x},${y - 6}L${x + 6},${y + 5}L${x - 6},${y + 5}Z`, fill: "#fff", stroke: c.colour, "stroke-width": 2,
          class: "marker", tabindex: focusable ? 0 : null, role: focusable ? "img" : null, "aria-label": label, "data-event": s.event_id });
        mk.append(sv("title", {}, label));
        const lines = [`${s.date} · ${c.label}`, `${title}: staff ${m ? staffText(m) : valueText(s.to)}`, `${s.event_id}: ${s.effect}`];
        mk.addEventListener("mouseenter", (ev) => showTip(lines, ev.clientX, ev.clientY));
        mk.addEventListener("mouseleave", hideTip);
        mk.addEventListener("focus", () => { const b = mk.getBoundingClientRect(); showTip(lines, b.right, b.bottom); });
        mk.addEventListener("blur", hideTip);
        mk.addEventListener("click", () => setDay(day));
        g.append(mk);
      }
    }
    return h("figure", { class: "chart" }, h("h3", { text: title + (D.countries[sending] ? ` — ${D.countries[sending]} in ${D.countries[host] || host}` : "") }), svg);
  }
  function movesOn(shown, key, day) {
    const iso = isoOf(day);
    return shown.flatMap((c) => { const ch = c.chain(`staff|${key}`); return ch && !ch.error ? ch.steps.filter((s) => s.date === iso) : []; });
  }

  // --- scenarios -------------------------------------------------------------------------------------------------
  function renderScenarios() {
    const list = $("scenario-list");
    const scen = COURSES.filter((c) => c.scenario);
    if (!scen.length) {
      list.append(h("p", { class: "empty" }, "No scenario in this page. Add some with ", h("code", { text: "diplosim report --scenario FILE" }), " (see ", h("code", { text: "diplosim scenario list" }), ")."));
      return;
    }
    for (const c of scen) {
      const s = c.scenario;
      const id = `sc-${c.id}`;
      const box = h("input", { type: "checkbox", id: `${id}-on`, "aria-controls": `${id}-diff` });
      box.addEventListener("change", () => { c.on = box.checked; drawStaffing(); renderScenarioDiffs(); });
      const card = h("article", { class: "scenario", id, "aria-labelledby": `${id}-h` },
        h("h3", { id: `${id}-h` }, h("span", { class: "swatch", "data-colour": c.colour }), `${s.title} (${s.name})`),
        s.question ? h("p", {}, h("strong", { text: "Question: " }), s.question) : null,
        s.answer ? h("p", {}, h("strong", { text: "Answer: " }), s.answer) : null,
        h("p", { class: "hint", text: `Base: ${s.base}${s.base_is_log ? " (the log of this page)" : ""}` + (s.fork ? `; fork ${s.fork}` : "") + `; after the fork: ${s.after_fork}` + (s.policies.length ? `; seed ${s.seed}` : "") + `. File: ${s.file}` }),
        s.edits.length ? h("div", {}, h("h4", { text: "Edits" }), h("ul", {}, s.edits.map((e) => h("li", { text: `${e.op}${e.id ? " " + e.id : ""}${e.after ? " after " + e.after : ""}${e.events.length ? " → " + e.events.join(", ") : ""}${e.reason ? " — " + e.reason : ""}` })))) : null,
        s.policies.length ? h("div", {}, h("h4", { text: "Policies" }), h("ul", {}, s.policies.map((p) => h("li", { text: `${p.country} plays ${p.strategy}${Object.keys(p.params || {}).length ? " " + JSON.stringify(p.params) : ""}, answering after ${p.lag_days} day(s)` })))) : null,
        s.stop_reason ? h("p", { text: `Play stopped: ${s.stop_reason}${s.outcome ? " (" + s.outcome + ")" : ""}` }) : null,
        s.changes.length ? h("details", {}, h("summary", { text: `${s.changes.length} base event(s) dropped or adapted` }),
          h("ul", {}, s.changes.map((x) => h("li", { text: `${x.date} ${x.event_id}: ${x.action} — ${x.reason}` })))) : null,
        unpack(s.events).length ? h("details", {}, h("summary", { text: `${unpack(s.events).length} event(s) the scenario brought in` }), eventList(unpack(s.events), `t-events-${c.id}`, `Events of scenario ${c.label}`)) : null,
        h("p", {}, box, h("label", { for: `${id}-on`, text: " Show this scenario: its lines on the charts and its differences" })),
        h("div", { id: `${id}-diff`, class: "diff", "aria-live": "polite" }));
      list.append(card);
    }
    for (const s of list.querySelectorAll(".swatch[data-colour]")) s.style.background = s.dataset.colour;
  }
  function renderScenarioDiffs() {
    const iso = isoOf(state.day), i = indexAt(state.day);
    for (const c of COURSES.filter((x) => x.scenario)) {
      const box = $(`sc-${c.id}-diff`);
      if (!box) continue;
      box.textContent = "";
      if (!c.on) continue;
      const rows = c._diffRows || (c._diffRows = unpack(c.scenario.diff.rows));
      const now = (c.scenario.diff.at[i] || []).map((k) => rows[k]);
      box.append(now.length ? table(`t-diff-${c.id}`, `Differences from ${c.scenario.base} on ${iso}`, [
        { key: "table", label: "Table" }, { key: "key", label: "Of" }, { key: "field", label: "Field" },
        { label: `Scenario ${c.label}`, render: (r) => valueText(r.scenario) }, { label: `Base (${c.scenario.base})`, render: (r) => valueText(r.base) }], now)
        : h("p", { class: "empty", text: `No difference from ${c.scenario.base} on ${iso}.` }));
    }
  }

  // --- timeline ------------------------------------------------------------------------------------------------
  let tlAll = false;
  function fillSelect(sel, options) {
    sel.append(h("option", { value: "", text: "any" }));
    for (const [v, t] of options) sel.append(h("option", { value: v, text: t }));
    sel.addEventListener("change", () => { tlAll = false; renderTimeline(); });
  }
  function setupTimeline() {
    const cs = [...new Set(TIMELINE.flatMap((r) => [r.actor, r.target, r.cameo_source, r.cameo_target]).filter(Boolean))].sort();
    fillSelect($("tl-country"), cs.map((c) => [c, cname(c)]));
    fillSelect($("tl-type"), [...new Set(TIMELINE.map((r) => r.type))].sort().map((t) => [t, t]));
    const roots = [...new Set(TIMELINE.map((r) => r.root_code || "-"))].sort();
    fillSelect($("tl-root"), roots.map((r) => [r, r === "-" ? "records (no CAMEO code)" : `${r} ${D.roots[r] || ""}`]));
    $("tl-text").addEventListener("input", () => { tlAll = false; renderTimeline(); });
    $("tl-more").addEventListener("click", () => { tlAll = true; renderTimeline(); });
  }
  function renderTimeline(all) {
    const c = $("tl-country").value, t = $("tl-type").value, root = $("tl-root").value, text = $("tl-text").value.trim().toLowerCase();
    const rows = TIMELINE.filter((r) => (!c || [r.actor, r.target, r.cameo_source, r.cameo_target].includes(c))
      && (!t || r.type === t) && (!root || (r.root_code || "-") === root)
      && (!text || `${r.id} ${r.summary} ${r.type}`.toLowerCase().includes(text)));
    const limit = all || tlAll ? rows.length : ROW_LIMIT;
    const tab = $("tl-table");
    tab.textContent = "";
    tab.append(h("caption", { text: "Every event of the log" + (c ? `, ${cname(c)} as actor or target` : "") + (t ? `, type ${t}` : "") + (root ? `, CAMEO root ${root}` : "") }));
    tab.append(h("thead", {}, h("tr", {}, ["Date", "Actor", "Target", "Type", "CAMEO", "Goldstein", "What", "Sources"].map((x) => h("th", { scope: "col", class: x === "Goldstein" ? "num" : null, text: x })))));
    const body = h("tbody");
    for (const r of rows.slice(0, limit)) {
      const date = r.date_precision === "month" ? r.date.slice(0, 7) : (r.date_precision === "approximate" ? "~" : "") + r.date;
      const go = h("button", { type: "button", class: "linkish go", "aria-label": `Show the state on ${r.date}`, text: date });
      go.addEventListener("click", () => { setDay(r.day); $("at-date-h").focus(); });
      body.append(h("tr", { "data-id": r.id, "data-actor": r.actor, "data-target": r.target || "", class: r.day === state.day ? "today" : null },
        h("td", {}, go), h("td", { text: r.actor }), h("td", { text: r.target || "" }), h("td", { text: r.type }),
        h("td", { title: r.cameo_label || "" , text: r.cameo ? `${r.cameo} ${r.cameo_label}` : "record" }),
        h("td", { class: "num", text: r.goldstein == null ? "" : r.goldstein.toFixed(1) }),
        h("td", { text: r.summary }), h("td", {}, sourcesNode(r.sources, r.generated_by))));
    }
    tab.append(body);
    $("tl-count").textContent = `${num(rows.length)} of ${num(TIMELINE.length)} events shown` + (rows.length > limit ? ` (the first ${num(limit)} listed)` : "")
      + (M.timeline_kept < M.timeline_total ? `; this long log has ${num(M.timeline_total)} events, and the page keeps ${M.timeline_rule}` : "");
    const more = $("tl-more");
    more.hidden = rows.length <= limit;
    more.textContent = `Show all ${num(rows.length)}`;
  }
  window.addEventListener("beforeprint", () => renderTimeline(true));
  window.addEventListener("afterprint", () => renderTimeline());

  // --- escalation ----------------------------------------------------------------------------------------------
  const HL = M.half_life;
  function escSeries(course) {
    if (course._esc) return course._esc;
    const out = {};
    for (const [a, b, days, values, thinned] of course.escalation || []) out[`${a}|${b}`] = { days: days.map((d) => d + FIRST), values, thinned };
    return (course._esc = out);
  }
  /** The index on any day: the value on the last day with acts before it, halved every half-life since (kept at
      sampled dates only, for a pair with very many days of acts: then joined by straight lines). */
  function escValue(course, a, b, day) {
    const s = escSeries(course)[`${a}|${b}`];
    if (!s) return 0;
    let lo = 0, hi = s.days.length - 1, i = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (s.days[mid] <= day) { i = mid; lo = mid + 1; } else hi = mid - 1; }
    if (i < 0) return 0;
    if (s.thinned && i + 1 < s.days.length) {
      const f = (day - s.days[i]) / (s.days[i + 1] - s.days[i]);
      return s.values[i] + f * (s.values[i + 1] - s.values[i]);
    }
    return s.values[i] * 2 ** (-(day - s.days[i]) / HL);
  }
  const pairs = (() => {
    const best = {};
    for (const [a, b, , values] of MAIN.escalation || []) {
      const k = [a, b].sort().join("|");
      best[k] = Math.max(best[k] || 0, ...values);
    }
    return Object.entries(best).sort((x, y) => y[1] - x[1]);
  })();
  let dyad = pairs.length ? pairs[0][0].split("|") : null;
  function setupEscalation() {
    $("esc-formula").textContent = `The index of A toward B on a day is the sum, over A's acts toward B up to that day, of minus their Goldstein score halved every ${M.half_life} days: ${M.formula}. Above 0, recent acts were on balance hostile.`;
    const sel = $("esc-dyad");
    for (const [k, p] of pairs) { const [a, b] = k.split("|"); sel.append(h("option", { value: k, text: `${a} – ${b} (peak ${p.toFixed(1)})` })); }
    if (!pairs.length) sel.append(h("option", { value: "", text: "no acts between countries" }));
    sel.addEventListener("change", () => { dyad = sel.value ? sel.value.split("|") : null; drawEscalation(); });
    $("heat-from").value = isoOf(FIRST); $("heat-to").value = isoOf(END);
    for (const id of ["heat-from", "heat-to"]) { $(id).min = isoOf(FIRST); $(id).max = isoOf(END); $(id).addEventListener("change", drawHeat); }
  }
  function drawEscalation() {
    const box = $("esc-chart");
    box.textContent = "";
    if (!dyad) { box.append(h("p", { class: "empty", text: "No acts between two countries in this log." })); return; }
    const [a, b] = dyad;
    $("esc-dyad").value = `${a}|${b}`;
    const shown = COURSES.filter((c) => c.on);
    const H = 240, MT = 10, MB = 24;
    const dirs = [[a, b], [b, a]];
    const samples = [];
    for (let day = FIRST; day <= END; day += Math.max(1, Math.floor((END - FIRST) / 600))) samples.push(day);
    samples.push(END);
    const acts = [a, b].flatMap((x) => COURSES.flatMap((c) => { const s = escSeries(c)[`${x}|${x === a ? b : a}`]; return s ? s.days : []; }));
    const pointDays = [...new Set(samples.concat(acts, acts.map((d) => d - 1)))].filter((d) => d >= FIRST && d <= END).sort((x, y) => x - y);
    let lo = 0, hi = 1;
    const paths = [];
    for (const c of shown) for (const [k, [x, y]] of dirs.entries()) {
      const pts = pointDays.map((day) => [day, escValue(c, x, y, day)]);
      for (const [, v] of pts) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      paths.push({ c, k, x, y, pts });
    }
    hi *= 1.08;
    const yOf = (v) => H - MB - (H - MT - MB) * (v - lo) / (hi - lo);
    const svg = sv("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `Escalation index between ${a} and ${b}, both directions, over time` });
    const g = sv("g");
    svg.append(g);
    axes(g, H, MT, MB, niceTicks(lo, hi, 4), yOf);
    hoverLayer(svg, g, MT, H, MB, (day) => [`${isoOf(day)}`].concat(paths.map((p) => `${p.c.k ? p.c.label + ": " : ""}${p.x}→${p.y} ${escValue(p.c, p.x, p.y, day).toFixed(2)}`))
      .concat(TIMELINE.filter((r) => r.day === day && r.cameo && [a, b].includes(r.actor) && [a, b].includes(r.target)).map((r) => `${r.actor} ${r.cameo}: ${r.summary}`)));
    for (const p of paths) {
      const d = p.pts.map(([day, v], n) => `${n ? "L" : "M"}${xOf(day).toFixed(1)},${yOf(v).toFixed(1)}`).join("");
      g.append(sv("path", { d, fill: "none", stroke: DIRS[p.k], "stroke-width": p.c.k ? 1.8 : 2.4, "stroke-dasharray": p.c.k ? "6 3" : null, class: "esc-line", "data-dir": `${p.x}-${p.y}`, "data-course": p.c.id }));
    }
    todayLine(g, MT, H, MB);
    box.append(h("p", { class: "key" }, dirs.map(([x, y], k) => h("span", {}, h("span", { class: "swatch", "data-colour": DIRS[k] }), `${x} toward ${y}`)),
      shown.length > 1 ? h("span", { text: "dashed: scenarios (" + shown.filter((c) => c.k).map((c) => c.label).join(", ") + ")" }) : null));
    for (const s of box.querySelectorAll(".swatch[data-colour]")) s.style.background = s.dataset.colour;
    box.append(h("figure", { class: "chart" }, svg));
    drawTodayLines();
  }
  function lum(rgb) {  // relative luminance (WCAG)
    const v = rgb.map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }
  function drawHeat() {
    const box = $("heat");
    box.textContent = "";
    const from = dayOf($("heat-from").value || isoOf(FIRST)), to = dayOf($("heat-to").value || isoOf(END));
    const score = {}, total = {};
    for (const [a, b, days, values] of MAIN.escalation || []) {
      let best = escValue(MAIN, a, b, from);
      values.forEach((v, n) => { const d = days[n] + FIRST; if (d >= from && d <= to) best = Math.max(best, v); });
      score[`${a}|${b}`] = best;
      total[a] = (total[a] || 0) + best; total[b] = (total[b] || 0) + best;
    }
    let cs = Object.keys(total).sort((x, y) => total[y] - total[x] || (x < y ? -1 : 1));
    const cut = cs.length > 40;
    cs = cs.slice(0, 40).sort();
    if (!cs.length) { box.append(h("p", { class: "empty", text: "No acts between countries in this log." })); return; }
    const top = Math.max(1e-9, ...Object.values(score));
    const t = h("table", { class: "heat", id: "heat-table" }, h("caption", { text: `Highest escalation index from ${isoOf(from)} to ${isoOf(to)}: row toward column` }));
    t.append(h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "from \\ toward" }), cs.map((c) => h("th", { scope: "col", title: D.countries[c] || c, text: c })))));
    const body = h("tbody");
    for (const a of cs) {
      const tr = h("tr", {}, h("th", { scope: "row", title: D.countries[a] || a, text: a }));
      for (const b of cs) {
        const v = score[`${a}|${b}`] || 0;
        const td = h("td", { class: a === b ? "self" : null });
        if (a !== b && v > 0.05) {
          const f = Math.min(1, v / top);
          const btn = h("button", { type: "button", "aria-label": `${a} toward ${b}: ${v.toFixed(1)}. Draw this pair`, text: v.toFixed(v >= 10 ? 0 : 1) });
          btn.addEventListener("click", () => { dyad = [a, b].sort(); drawEscalation(); $("esc-dyad").focus(); });
          td.append(btn);
          const mix = [179, 38, 30].map((c) => Math.round(255 + (c - 255) * (0.08 + 0.92 * f)));  // over white
          td.style.background = `rgb(${mix.join(", ")})`;
          td.style.color = lum(mix) > 0.18 ? "#1b1b1b" : "#fff";  // whichever contrasts more
        }
        tr.append(td);
      }
      body.append(tr);
    }
    t.append(body);
    box.append(t);
    if (cut) box.append(h("p", { class: "hint", text: `The 40 most active of ${Object.keys(total).length} countries.` }));
  }

  // --- about and footer ------------------------------------------------------------------------------------------
  function renderAbout() {
    if (M.description) $("description").textContent = M.description;
    const p = [
      `${num(M.events)} events from ${M.source || "the log"}, ${M.first} to ${M.end}.`,
      M.exact ? `The state is precomputed on each of the ${DATES.length} days on which it changes, so every day of the period shows its exact state.`
        : `This long log is sampled: the state is precomputed on ${DATES.length} dates (at most ${M.max_dates}) spread evenly over the period; a day between two of them shows the state of the one before, and says so.`,
      `The tables are those of diplosim state --format json; the chains those of diplosim explain --format json; the timeline that of diplosim timeline --format json; the escalation index that of diplosim escalation (half-life ${M.half_life} days); each scenario's differences those of diplosim scenario run --diff-only, against its own base.`,
      M.chains_complete ? "Every figure's chain is in the page." : `The page keeps ${num(M.max_chain_steps)} steps of explanations; other figures show the command that explains them.`,
      "The page asks no server for anything: its script, style and data are all inside it.",
    ];
    $("about-body").append(...p.map((t) => h("p", { text: t })));
    $("footer").append(h("p", { text: `${M.title} · diplosim ${M.version} · generated ${M.generated} · ${num(M.events)} events${M.source ? " from " + M.source : ""}` }));
    if (!COURSES.some((c) => c.scenario)) $("nav-scenarios").textContent = "Scenarios (none)";
  }

  // --- start ---------------------------------------------------------------------------------------------------
  const stateCountry = $("state-country");
  for (const c of Object.keys(D.countries)) stateCountry.append(h("option", { value: c, text: cname(c) }));
  stateCountry.addEventListener("change", () => { expanded.clear(); renderDate(); });
  renderAbout();
  buildPairChooser();
  renderScenarios();
  setupTimeline();
  renderTimeline();
  setupEscalation();
  drawHeat();
  const wanted = /^#(\d{4}-\d{2}-\d{2})$/.exec(location.hash);
  setDay(wanted ? dayOf(wanted[1]) : END);
  drawStaffing();
  document.documentElement.dataset.ready = "true";
})();
