// The customer's chat widget: on every portal page, and on another site with one tag:
//   <script src="https://PORTAL/static/js/chat-widget.js" async></script>
// A classic script (no module) so that other sites can load it without CORS; it draws itself in a shadow root
// so that neither page's styles leak into the other. Messages are stored by the server first; the widget
// long-polls for events after the last sequence number it holds, resumes after any drop, and retries a send
// with the same client id (the server answers the first message again, never a duplicate).
(function () {
  "use strict";
  if (window.__hanaChat) return;
  window.__hanaChat = true;

  const script = document.currentScript;
  let host = document.getElementById("hana-chat");
  const onPortal = Boolean(host);
  if (!host) {
    host = document.createElement("div");
    host.id = "hana-chat";
    document.body.appendChild(host);
  }
  const base = onPortal ? host.dataset.base : new URL("/", script.src).href;
  const viewer = onPortal ? host.dataset.viewer : "embed";
  const wantedLocale = onPortal ? host.dataset.locale : (navigator.language || "ko").slice(0, 2);
  const stylesheet = onPortal ? host.dataset.stylesheet : new URL("static/css/chat.css", base).href;
  const credentials = onPortal ? "same-origin" : "omit";
  const STORE = "hana.chat." + viewer;
  const WAIT = 20;

  let cfg = null;        // /chat/widget.json
  let S = {};            // the translated strings
  let chat = null;       // {id, token, status, ticket, agent, position, offline}
  let lastSeq = 0;
  let polling = null;    // AbortController of the running long-poll
  let unread = 0;
  const shown = new Map();   // client_id or "seq:N" -> element already in the log
  const outbox = new Map();  // client_id -> {text, tries} waiting for the server's answer

  // ------------------------------------------------------------------ small helpers
  const root = host.attachShadow({ mode: "open" });
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;  // text only: never HTML
    return node;
  };
  const fill = (template, values) => String(template || "").replace(/\{(\w+)\}/g, (_, k) => (k in values ? values[k] : ""));
  // A pause before trying again that ends early when the browser says it is back online.
  const pause = (ms) => new Promise((resolve) => {
    const done = () => { clearTimeout(timer); window.removeEventListener("online", done); resolve(); };
    const timer = setTimeout(done, ms);
    window.addEventListener("online", done);
  });
  const newId = () => {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  };
  const store = {
    load() { try { return JSON.parse(localStorage.getItem(STORE)) || null; } catch (e) { return null; } },
    save(value) { try { localStorage.setItem(STORE, JSON.stringify(value)); } catch (e) { /* private mode */ } },
    clear() { try { localStorage.removeItem(STORE); } catch (e) { /* private mode */ } },
  };
  const openFlag = {
    get() { try { return sessionStorage.getItem(STORE + ".open") === "1"; } catch (e) { return false; } },
    set(on) { try { sessionStorage.setItem(STORE + ".open", on ? "1" : "0"); } catch (e) { /* private mode */ } },
  };

  async function api(path, { method = "GET", body, signal } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (chat && chat.token) headers["X-Chat-Token"] = chat.token;
    const meta = onPortal && document.querySelector('meta[name="csrf-token"]');
    if (meta && method !== "GET") headers["X-CSRFToken"] = meta.content;
    const response = await fetch(new URL(path, base), {
      method, headers, credentials, signal, body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { status: response.status, ok: response.ok, data };
  }

  // ------------------------------------------------------------------ the frame
  const ui = {};
  function build() {
    const link = el("link");
    link.rel = "stylesheet";
    link.href = stylesheet;
    root.appendChild(link);
    ui.launcher = el("button", "hc-launcher");
    ui.launcher.type = "button";
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.append(icon("chat"), el("span", "hc-launcher-label", S.launcher));
    ui.badge = el("span", "hc-unread");
    ui.badge.hidden = true;
    ui.launcher.appendChild(ui.badge);
    ui.panel = el("section", "hc-panel");
    ui.panel.setAttribute("role", "dialog");
    ui.panel.setAttribute("aria-label", S.title);
    ui.panel.hidden = true;
    const head = el("header", "hc-head");
    const titles = el("div", "hc-titles");
    titles.append(el("div", "hc-title", cfg.company + " · " + S.title), (ui.status = el("div", "hc-status")));
    ui.endButton = el("button", "hc-end", S.end);
    ui.endButton.type = "button";
    ui.close = el("button", "hc-close");
    ui.close.type = "button";
    ui.close.setAttribute("aria-label", S.close);
    ui.close.appendChild(icon("close"));
    head.append(titles, ui.endButton, ui.close);
    ui.body = el("div", "hc-body");
    ui.intro = el("div", "hc-intro");
    ui.log = el("ol", "hc-log");
    ui.log.setAttribute("aria-live", "polite");
    ui.body.append(ui.intro, ui.log);
    ui.notice = el("div", "hc-notice");
    ui.notice.setAttribute("role", "status");
    ui.actions = el("div", "hc-actions");
    ui.foot = el("div", "hc-foot");
    ui.panel.append(head, ui.body, ui.notice, ui.actions, ui.foot);
    root.append(ui.launcher, ui.panel);
    ui.launcher.addEventListener("click", () => toggle(true));
    ui.close.addEventListener("click", () => toggle(false));
    ui.endButton.addEventListener("click", endChat);
    ui.panel.addEventListener("keydown", (event) => { if (event.key === "Escape") toggle(false); });
  }

  function icon(name) {
    const paths = {
      chat: "M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
      close: "M6 6l12 12M18 6L6 18",
      send: "M3 20l18-8L3 4l3 8-3 8zm3-8h8",
    };
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.classList.add("hc-icon");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", paths[name]);
    svg.appendChild(path);
    return svg;
  }

  function toggle(open) {
    ui.panel.hidden = !open;
    ui.launcher.hidden = open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    openFlag.set(open);
    if (open) {
      unread = 0;
      ui.badge.hidden = true;
      const field = ui.foot.querySelector("textarea, input");
      if (field) field.focus();
      scrollDown();
    } else {
      ui.launcher.focus();
    }
  }

  function scrollDown() { ui.body.scrollTop = ui.body.scrollHeight; }
  function notice(text) { ui.notice.textContent = text || ""; ui.notice.hidden = !text; }

  // ------------------------------------------------------------------ the greeting (before the first word)
  function renderIntro() {
    ui.intro.replaceChildren(el("p", "hc-greeting", S.greeting), el("p", "hc-muted", S.intro));
    for (const incident of cfg.incidents || []) {  // a known outage: said before the customer has to ask
      const box = el("div", "hc-incident");
      box.setAttribute("role", "alert");
      box.append(el("strong", null, incident.title), el("p", null, incident.description));
      if (incident.url) {
        const more = el("a", "hc-more", S.incident_more || "›");
        more.href = new URL(incident.url, base).href;
        more.target = "_top";
        box.appendChild(more);
      }
      ui.intro.prepend(box);
    }
    if (cfg.signed_in && cfg.open_requests.length) {
      const box = el("div", "hc-requests");
      box.appendChild(el("div", "hc-requests-title", S.open_requests));
      const list = el("ul");
      for (const r of cfg.open_requests) {
        const a = el("a", null, "#" + r.ref + " " + r.subject);
        a.href = new URL(r.url, base).href;
        const li = el("li");
        li.appendChild(a);
        list.appendChild(li);
      }
      const all = el("a", "hc-more", S.all_requests);
      all.href = new URL(cfg.requests_url, base).href;
      box.append(list, all);
      ui.intro.appendChild(box);
    } else if (!cfg.signed_in && onPortal) {
      const signIn = el("a", "hc-more", S.sign_in);
      signIn.href = new URL(cfg.requests_url, base).href;
      ui.intro.appendChild(signIn);
    }
  }

  // ------------------------------------------------------------------ the forms at the bottom
  function textBox(placeholder) {
    const area = el("textarea", "hc-input");
    area.rows = 2;
    area.maxLength = cfg.max_chars;
    area.placeholder = placeholder;
    area.setAttribute("aria-label", placeholder);
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        area.form.requestSubmit();
      }
    });
    return area;
  }

  function field(name, label, type) {
    const wrap = el("label", "hc-field");
    const input = el("input");
    input.name = name;
    input.type = type;
    input.required = true;
    input.autocomplete = name === "email" ? "email" : "name";
    const error = el("span", "hc-error");
    input.addEventListener("input", () => { error.textContent = ""; input.removeAttribute("aria-invalid"); });
    wrap.append(el("span", null, label), input, error);
    return wrap;
  }

  function startForm() {
    const form = el("form", "hc-start");
    form.noValidate = true;
    if (!cfg.signed_in) form.append(field("name", S.name, "text"), field("email", S.email, "email"));
    const row = el("div", "hc-row");
    const area = textBox(S.message);
    area.name = "text";
    const button = el("button", "hc-send", S.start);
    button.type = "submit";
    row.append(area, button);
    form.append(row, el("div", "hc-error hc-form-error"));
    form.addEventListener("submit", (event) => { event.preventDefault(); start(form); });
    ui.foot.replaceChildren(form);
  }

  function composer() {
    if (ui.foot.querySelector(".hc-composer")) return;
    const form = el("form", "hc-composer");
    const area = textBox(S.message);
    const button = el("button", "hc-send");
    button.type = "submit";
    button.setAttribute("aria-label", S.send);
    button.appendChild(icon("send"));
    form.append(area, button);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = area.value.trim();
      if (!text) return;
      area.value = "";
      send(text);
    });
    ui.foot.replaceChildren(form);
  }

  function leaveForm() {
    if (ui.foot.querySelector(".hc-leave")) return;
    const form = el("form", "hc-leave");
    form.append(el("div", "hc-leave-title", S.leave_title), el("div", "hc-muted", S.leave_help));
    const area = textBox(S.message);
    area.rows = 3;
    const row = el("div", "hc-row");
    const sendButton = el("button", "hc-send", S.leave_send);
    sendButton.type = "submit";
    const wait = el("button", "hc-link", S.keep_waiting);
    wait.type = "button";
    wait.addEventListener("click", () => { ui.leaveDismissed = true; render(); });
    row.append(sendButton, wait);
    form.append(area, row, el("div", "hc-error hc-form-error"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = area.value.trim();
      if (!text) { form.querySelector(".hc-form-error").textContent = S.required_text; return; }
      const r = await api(`api/v1/chats/${chat.id}/leave_message`, { method: "POST", body: { text } });
      if (!r.ok) { form.querySelector(".hc-form-error").textContent = errorText(r); return; }
      applyChat(r.data);
    });
    ui.foot.replaceChildren(form);
  }

  function endedFoot() {
    const box = el("div", "hc-ended");
    box.appendChild(el("p", null, chat.outcome === "message_left" ? S.leave_done : S.status_ended));
    if (chat.ticket) box.appendChild(el("p", "hc-muted", fill(S.saved, { ref: chat.ticket })));
    const again = el("button", "hc-send", S.new_chat);
    again.type = "button";
    again.addEventListener("click", reset);
    box.appendChild(again);
    ui.foot.replaceChildren(box);
  }

  function errorText(r) {
    const error = (r.data && r.data.error) || {};
    if (r.status === 413) return S.too_long;
    if (error.fields) return Object.values(error.fields).flat().join(" ");
    return error.message || S.error;
  }

  // ------------------------------------------------------------------ the conversation
  function systemText(item) {
    const d = item.data || {};
    const known = {
      joined: () => fill(S.joined, { name: d.name }),
      transferred: () => (d.group ? fill(S.transferred_group, { group: d.group }) : fill(S.transferred_agent, { name: d.name })),
      waiting: () => S.waiting_event,
      ended: () => S.ended_event,
    };
    return known[d.event] ? known[d.event]() : item.text;
  }

  function bubble(item) {
    const mine = item.author.kind === "customer";
    const li = el("li", "hc-item hc-" + (item.kind === "system" ? "system" : mine ? "mine" : item.author.kind));
    if (item.kind === "system") {
      li.textContent = systemText(item);
      return li;
    }
    if (!mine) li.appendChild(el("div", "hc-author", item.author.kind === "bot" ? S.bot : item.author.name));
    li.appendChild(el("div", "hc-text", item.text));
    const suggestions = (item.data && item.data.suggestions) || [];
    if (suggestions.length) {
      const list = el("ul", "hc-suggestions");
      for (const s of suggestions) {
        const card = el("li", "hc-card");
        const link = el("a", "hc-card-title", s.title);
        if (s.url) { link.href = new URL(s.url, base).href; link.target = "_blank"; link.rel = "noopener"; }
        card.appendChild(link);
        if (s.snippet) card.appendChild(el("div", "hc-card-snippet", s.snippet));
        list.appendChild(card);
      }
      li.appendChild(list);
    }
    return li;
  }

  function show(item) {
    const key = item.client_id || "seq:" + item.seq;
    const existing = shown.get(key);
    const node = bubble(item);
    if (existing) existing.replaceWith(node); else ui.log.appendChild(node);
    shown.set(key, node);
    outbox.delete(item.client_id);
    if (ui.panel.hidden && item.author.kind !== "customer" && item.kind !== "system") {
      unread += 1;
      ui.badge.textContent = String(unread);
      ui.badge.hidden = false;
    }
  }

  function absorb(items) {
    for (const item of items) {
      if (item.seq <= lastSeq) continue;
      lastSeq = item.seq;
      show(item);
      ui.lastBot = item.author.kind === "bot" ? item : ui.lastBot;
    }
    if (chat) store.save({ id: chat.id, token: chat.token });
    scrollDown();
  }

  function applyChat(data) {
    if (!data) return;
    chat = Object.assign(chat || {}, data);
    if (data.messages) absorb(data.messages);
    render();
  }

  function render() {
    const st = chat ? chat.status : null;
    ui.endButton.hidden = !chat || st === "ended";
    let status = S.status_bot;
    if (st === "waiting") status = chat.offline ? S.status_offline : chat.position ? fill(S.status_position, { n: chat.position }) : S.status_waiting;
    if (st === "active") status = fill(S.status_active, { name: chat.agent ? chat.agent.name : "" });
    if (st === "ended") status = S.status_ended;
    ui.status.textContent = status;
    renderActions(st);
    if (!chat) startForm();
    else if (st === "ended") endedFoot();
    else if (st === "waiting" && chat.offline && !ui.leaveDismissed) leaveForm();
    else composer();
  }

  function renderActions(st) {
    ui.actions.replaceChildren();
    if (st !== "bot") return;
    const ask = ui.lastBot && ui.lastBot.data && ui.lastBot.data.ask === "helped";
    if (ask) {
      ui.actions.appendChild(el("span", "hc-muted", S.helped_question));
      const yes = el("button", "hc-chip", S.helped_yes);
      yes.type = "button";
      yes.addEventListener("click", () => act("helped", { helped: true }));
      ui.actions.appendChild(yes);
    }
    const person = el("button", "hc-chip hc-chip-primary", ask ? S.helped_no : S.talk);
    person.type = "button";
    person.addEventListener("click", () => act("handoff"));
    ui.actions.appendChild(person);
  }

  async function act(what, body) {
    const r = await api(`api/v1/chats/${chat.id}/${what}`, { method: "POST", body: body || {} });
    if (!r.ok) { notice(errorText(r)); return; }
    applyChat(r.data);
    wake();
  }

  async function endChat() {
    if (!chat || !window.confirm(S.end_confirm)) return;
    await act("end");
  }

  function reset() {
    if (polling) polling.abort();
    chat = null;
    lastSeq = 0;
    ui.lastBot = null;
    ui.leaveDismissed = false;
    shown.clear();
    outbox.clear();
    ui.log.replaceChildren();
    store.clear();
    notice("");
    render();
  }

  // ------------------------------------------------------------------ starting, sending, receiving
  async function start(form) {
    form.querySelectorAll(".hc-error").forEach((node) => { node.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
    const text = form.querySelector("textarea").value.trim();
    const body = { text, client_id: newId(), locale: cfg.locale, page_url: location.href.slice(0, 500) };
    const problems = [];
    if (!cfg.signed_in) {
      body.customer_name = form.elements.name.value.trim();
      body.customer_email = form.elements.email.value.trim();
      if (!body.customer_name) problems.push(["name", S.required_name]);
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.customer_email)) problems.push(["email", S.invalid_email]);
    }
    if (!text) problems.push([null, S.required_text]);
    if (problems.length) return showErrors(form, problems);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const r = await api("api/v1/chats", { method: "POST", body });
      if (!r.ok) {
        const fields = (r.data && r.data.error && r.data.error.fields) || {};
        const mapped = Object.entries(fields).map(([k, v]) => [k.replace("customer_", ""), v.join(" ")]);
        return showErrors(form, mapped.length ? mapped : [[null, errorText(r)]]);
      }
      chat = { token: r.data.token };
      applyChat(r.data);
      poll();
    } catch (e) {
      showErrors(form, [[null, S.reconnecting]]);
    } finally {
      button.disabled = false;
    }
  }

  function showErrors(form, problems) {
    for (const [name, message] of problems) {
      const input = name && form.elements[name];
      const slot = input ? input.parentElement.querySelector(".hc-error") : form.querySelector(".hc-form-error");
      if (slot) slot.textContent = message;
      if (input) input.setAttribute("aria-invalid", "true");
    }
  }

  function send(text) {
    const clientId = newId();
    const item = { seq: 0, kind: "message", author: { kind: "customer", name: S.you }, text, client_id: clientId, data: {} };
    show(item);
    shown.get(clientId).classList.add("hc-pending");
    outbox.set(clientId, { text, tries: 0 });
    scrollDown();
    deliver(clientId);
  }

  async function deliver(clientId) {
    const pending = outbox.get(clientId);
    if (!pending || !chat) return;
    const node = shown.get(clientId);
    try {
      const r = await api(`api/v1/chats/${chat.id}/messages`, { method: "POST", body: { text: pending.text, client_id: clientId } });
      if (r.ok) {
        if (node) node.classList.remove("hc-pending", "hc-retrying");
        outbox.delete(clientId);
        return;
      }
      if (r.status === 429 || r.status >= 500) throw new Error("later");
      if (node) { node.classList.add("hc-failed"); node.appendChild(el("div", "hc-error", errorText(r))); }
      outbox.delete(clientId);
    } catch (e) {
      // The message may or may not have arrived: send it again with the same client id until answered.
      pending.tries += 1;
      if (node) node.classList.add("hc-retrying");
      notice(S.retrying);
      await pause(Math.min(15000, 1000 * 2 ** Math.min(pending.tries, 4)));
      deliver(clientId);
    }
  }

  function wake() { if (!polling) poll(); }

  async function poll() {
    if (polling || !chat) return;
    const controller = (polling = new AbortController());
    let backoff = 1000;
    try {
      while (chat && chat.status !== "ended" && !controller.signal.aborted) {
        try {
          const r = await api(`api/v1/chats/${chat.id}/messages?after=${lastSeq}&wait=${WAIT}`, { signal: controller.signal });
          if (r.status === 404) { reset(); return; }
          if (r.status === 422) { lastSeq = 0; shown.clear(); ui.log.replaceChildren(); continue; }
          if (!r.ok) throw new Error("poll " + r.status);
          backoff = 1000;
          if (!outbox.size) notice("");
          absorb(r.data.items);
          applyChat(r.data.chat);
        } catch (e) {
          if (controller.signal.aborted) return;
          notice(S.reconnecting);
          await pause(backoff);
          backoff = Math.min(backoff * 2, 15000);
        }
      }
    } finally {
      if (polling === controller) polling = null;
    }
  }


  // ------------------------------------------------------------------ start-up
  async function resume() {
    const saved = store.load();
    const id = saved ? saved.id : cfg.live_chat;
    if (!id) return;
    chat = { id, token: saved ? saved.token : null };
    const r = await api(`api/v1/chats/${id}`);
    if (!r.ok || r.data.status === "ended") { chat = null; store.clear(); return; }
    applyChat(r.data);
    poll();
  }

  async function init() {
    try {
      const response = await fetch(new URL(`chat/widget.json?locale=${encodeURIComponent(wantedLocale)}`, base), { credentials });
      if (!response.ok) return;
      cfg = await response.json();
    } catch (e) {
      return;  // the portal cannot be reached: no widget rather than a broken one
    }
    S = cfg.strings;
    build();
    renderIntro();
    notice("");
    try { await resume(); } catch (e) { chat = null; }
    render();
    if (openFlag.get()) toggle(true);
  }

  init();
})();
