/* The handbook app: plain JavaScript, no build step. It reads everything through the
   handbook API; readings made offline wait in localStorage and are sent when the phone is
   back online. Its words come from the page (#handbook-text), translated by the server. */
(function () {
  "use strict";
  const main = document.getElementById("handbook");
  if (!main) return;
  const API = main.dataset.api;
  const T = JSON.parse(document.getElementById("handbook-text").textContent);
  const QUEUE = "chibo-handbook-reads";
  const network = document.getElementById("network");

  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    });
    children.flat().forEach((c) => c != null && node.append(c));
    return node;
  }
  function date(iso) {
    if (!iso) return "";
    const [y, m, d] = iso.slice(0, 10).split("-");
    return `${d}/${m}/${y}`;
  }

  // --- the queue of offline readings ---------------------------------------------------------
  function queued() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function enqueue(documentId) {
    const reads = queued().filter((r) => r.document_id !== documentId);
    const earlier = queued().find((r) => r.document_id === documentId);
    reads.push(earlier || { document_id: documentId, read_at: new Date().toISOString() });
    localStorage.setItem(QUEUE, JSON.stringify(reads));
  }
  // One sending at a time: the browser's own "online" event and a page load may both ask.
  let flushing = null;
  function flush() {
    if (!flushing) flushing = send().finally(() => { flushing = null; });
    return flushing;
  }
  async function send() {
    const reads = queued();
    if (!reads.length || !navigator.onLine) return;
    try {
      const response = await fetch(`${API}/reads`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ reads }),
      });
      if (response.ok && !response.headers.get("X-Chibo-Offline")) {
        const sent = new Set(reads.map((r) => r.document_id));
        localStorage.setItem(QUEUE, JSON.stringify(queued().filter((r) => !sent.has(r.document_id))));
        document.body.dataset.queue = String(queued().length);
      }
    } catch (e) { /* still offline: try again later */ }
  }
  function showNetwork() {
    network.hidden = navigator.onLine;
    document.body.dataset.queue = String(queued().length);
  }
  window.addEventListener("online", () => { showNetwork(); flush(); });
  window.addEventListener("offline", showNetwork);

  // --- views -------------------------------------------------------------------------------
  async function get(path) {
    const response = await fetch(API + path, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401 || response.redirected) { location.href = "/accounts/login/?next=/handbook/"; throw new Error("login"); }
    if (!response.ok) throw new Error(String(response.status));
    return { data: await response.json(), offline: response.headers.get("X-Chibo-Offline") === "1" };
  }
  function listOf(items) {
    if (!items.length) return el("p", { class: "muted" }, T.empty);
    return el("ul", { class: "docs" }, items.map((d) =>
      el("li", { class: d.unread ? "unread" : "", "data-id": String(d.id) },
        el("a", { href: `#/doc/${d.id}` },
          el("span", { class: "number" }, `${d.number} · ${date(d.issued_on)}`),
          el("span", { class: "title" }, d.title),
          d.unread ? el("span", { class: "tag unread" }, T.unread) : null,
          d.changed_since_read ? el("span", { class: "tag changed" }, T.changed) : null,
          d.must_study ? el("span", { class: "tag study" }, T.mustStudy) : null))));
  }
  async function documentsView(path, withSearch) {
    const box = el("div");
    if (withSearch) {
      const search = el("input", { type: "search", placeholder: T.search, "aria-label": T.search, id: "search" });
      let timer;
      search.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(async () => {
          const q = search.value.trim();
          const { data } = await get(q ? `${path}?q=${encodeURIComponent(q)}` : path);
          results.replaceChildren(listOf(data.items));
        }, 300);
      });
      box.append(search);
    }
    const results = el("div", { id: "results" });
    box.append(results);
    const { data } = await get(path);
    results.append(listOf(data.items));
    return box;
  }
  async function documentView(id) {
    const { data: d, offline } = await get(`/documents/${id}`);
    if (offline) enqueue(d.id);
    const mark = el("button", { type: "button", id: "bookmark", class: d.bookmarked ? "on" : "", "aria-pressed": String(d.bookmarked) },
      d.bookmarked ? T.unbookmark : T.bookmark);
    mark.addEventListener("click", async () => {
      const on = mark.getAttribute("aria-pressed") !== "true";
      const response = await fetch(`${API}/documents/${d.id}/bookmark`, {
        method: on ? "PUT" : "DELETE", credentials: "same-origin", headers: { "X-CSRFToken": csrf() },
      });
      if (response.ok) {
        mark.setAttribute("aria-pressed", String(on));
        mark.className = on ? "on" : "";
        mark.textContent = on ? T.unbookmark : T.bookmark;
      }
    });
    return el("article", { "data-id": String(d.id) },
      el("p", {}, el("a", { href: "#/" }, `‹ ${T.back}`)),
      el("p", { class: "number muted" }, `${d.doc_type_label} ${d.number} · ${date(d.issued_on)}`),
      el("h1", {}, d.title),
      el("p", { class: "muted" }, `${T.issuedBy}: ${d.issuer}`),
      d.amended_at ? el("p", { class: "tag changed" }, `${T.amended} ${date(d.amended_at)}`) : null,
      d.must_study ? el("p", { class: "tag study" }, T.mustStudy) : null,
      mark,
      d.summary ? el("p", {}, el("em", {}, d.summary)) : null,
      el("div", { class: "body" }, d.body),
      d.attachments.length ? el("h2", {}, T.attachments) : null,
      d.attachments.length ? el("ul", {}, d.attachments.map((a) => el("li", {}, el("a", { href: a.url }, a.name)))) : null);
  }
  async function profileView() {
    const { data: p } = await get("/me");
    const row = (label, value) => [el("dt", {}, label), el("dd", {}, value || "—")];
    return el("div", {},
      el("dl", { class: "profile" },
        row(T.name, p.full_name), row(T.born, date(p.birth_date)), row(T.unit, p.unit),
        row(T.admitted, date(p.admitted_on)), row(T.recognized, date(p.recognized_on)), row(T.card, p.card_number)),
      el("button", { type: "button", onclick: () => document.getElementById("logout").submit() }, T.logout));
  }

  // --- the member's own classification -------------------------------------------------------
  const LEVELS = ["excellent", "good", "complete", "not_complete"];
  function assessmentCard(a) {
    const card = el("article", { class: "assessment", "data-id": String(a.id), "data-status": a.status },
      el("h2", {}, `${T.assessment} ${a.period}`),
      a.leader_of ? el("p", { class: "leader" }, a.leader_of) : null,
      el("p", { class: "muted" }, `${a.opened_by} · `, el("span", { class: "tag", "data-testid": "assessment-status" }, a.status_label)),
      a.self_level ? el("p", {}, `${T.selfAssess}: ${T["level_" + a.self_level]}`,
        a.total != null ? ` · ${a.total} ${T.points}` : null,
        a.downgraded ? el("span", { class: "tag changed" }, T.downgraded) : null) : null,
      a.level ? el("p", {}, `${T.decided}: `, el("strong", { "data-testid": "assessment-level" }, a.level_label)) : null);
    if (!a.can_self_assess) return card;
    const scored = a.rules === "score_2025";
    const level = el("select", { name: "level", required: "required", "aria-label": T.level },
      el("option", { value: "" }, "—"),
      LEVELS.map((v) => {
        const o = el("option", { value: v }, T["level_" + v]);
        if (v === a.self_level) o.selected = true;
        return o;
      }));
    const number = (name, max, value) => el("input", { type: "number", name, min: "0", max: String(max), required: "required", value: value == null ? "" : String(value) });
    const general = scored ? number("general", 30, a.general) : null;
    const results = scored ? number("results", 70, a.results) : null;
    const message = el("p", { role: "status", class: "message" });
    const form = el("form", { class: "self-assess" },
      el("label", {}, T.level, level),
      scored ? el("label", {}, T.general, general) : null,
      scored ? el("label", {}, T.results, results) : null,
      el("button", { type: "submit" }, T.send), message);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!navigator.onLine) { message.textContent = T.needsOnline; return; }
      const body = { level: level.value, version: a.version };
      if (scored) { body.general = Number(general.value); body.results = Number(results.value); }
      try {
        const response = await fetch(`${API}/assessments/${a.id}/self`, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
          body: JSON.stringify(body),
        });
        const data = await response.json();
        if (!response.ok || response.headers.get("X-Chibo-Offline")) {
          message.setAttribute("role", "alert");
          message.textContent = data.message || T.error;
          return;
        }
        const fresh = assessmentCard(data);
        fresh.append(el("p", { role: "status", class: "message ok" }, T.saved));
        card.replaceWith(fresh);
      } catch (e) {
        message.textContent = T.needsOnline;
      }
    });
    card.append(el("h3", {}, T.selfAssess), form);
    return card;
  }
  async function assessmentView() {
    const { data } = await get("/assessments");
    if (!data.length) return el("p", { class: "muted" }, T.empty);
    return el("div", { class: "assessments" }, data.map(assessmentCard));
  }

  async function route() {
    const hash = location.hash || "#/";
    const doc = hash.match(/^#\/doc\/(\d+)$/);
    const tab = doc ? "documents" : ({ "#/notices": "notices", "#/bookmarks": "bookmarks", "#/assessment": "assessment", "#/me": "me" }[hash] || "documents");
    document.querySelectorAll(".tabs a").forEach((a) => {
      if (a.dataset.tab === tab) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
    main.setAttribute("aria-busy", "true");
    try {
      let view;
      if (doc) view = await documentView(doc[1]);
      else if (tab === "notices") view = await documentsView("/notices", false);
      else if (tab === "bookmarks") view = await documentsView("/bookmarks", false);
      else if (tab === "me") view = await profileView();
      else if (tab === "assessment") view = await assessmentView();
      else view = await documentsView("/documents", true);
      main.replaceChildren(view);
    } catch (e) {
      if (e.message !== "login") main.replaceChildren(el("p", { role: "alert" }, navigator.onLine ? T.error : T.offlineMissing));
    } finally {
      main.removeAttribute("aria-busy");
      showNetwork();
    }
  }
  window.addEventListener("hashchange", route);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(main.dataset.sw, { scope: "/handbook/" }).then(() => {
      document.body.dataset.sw = "registered";
    });
  }
  showNetwork();
  route().then(flush);
})();
