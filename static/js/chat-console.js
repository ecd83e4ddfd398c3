// The agents' chat console: waiting chats, several chats at once, canned responses, notes, transfer, end,
// presence, and the customer panel beside each chat. One long-poll carries list changes and every open chat's
// new events (by sequence number), so nothing is missed or shown twice after a dropped connection.
import { csrfToken } from "./csrf.js";

const page = document.getElementById("chat-console");
const data = JSON.parse(document.getElementById("chat-console-data").textContent);
const S = data.strings;
const $ = (id) => document.getElementById(id);
const chats = new Map(); // id -> {id, name, status, ticket, lastSeq, items, unread, loaded}
let version = -1;
let current = null;
let waitingCount = 0;
const baseTitle = document.title;

const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = text; // text only: never HTML
  return node;
};
const fill = (t, v) => String(t).replace(/\{(\w+)\}/g, (_, k) => (k in v ? v[k] : ""));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));

async function request(url, { method = "GET", json, form } = {}) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  let body;
  if (json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(json); }
  if (form !== undefined) body = new URLSearchParams(form);
  const response = await fetch(url, { method, headers, body, credentials: "same-origin" });
  let payload = null;
  try { payload = await response.json(); } catch { payload = null; }
  return { ok: response.ok, status: response.status, data: payload };
}
const apiUrl = (id, rest = "") => `${page.dataset.apiUrl}/${id}${rest}`;
const deskUrl = (rest) => page.dataset.deskUrl + rest;
const errorOf = (r) => (r.data && r.data.error && r.data.error.message) || S.error;

function record(row) {
  let chat = chats.get(row.id);
  if (!chat) {
    chat = { id: row.id, lastSeq: 0, items: [], unread: 0, loaded: false };
    chats.set(row.id, chat);
  }
  Object.assign(chat, { name: row.name, status: row.status, ticket: row.ticket, offline: row.offline });
  return chat;
}

// ---------------------------------------------------------------- the lists
function minutesSince(iso) {
  const minutes = Math.floor((Date.now() - new Date(iso).getTime()) / 60000);
  return minutes < 1 ? S.waiting_now : fill(S.waiting_since, { min: minutes });
}

function renderState(state) {
  const waiting = $("chat-waiting");
  waiting.replaceChildren();
  for (const row of state.waiting) {
    record(row);
    const li = el("li", "list-group-item list-group-item-action" + (row.id === current ? " active" : ""));
    li.dataset.chatId = row.id;
    const top = el("div", "d-flex justify-content-between align-items-center gap-2");
    top.append(el("strong", "text-truncate", row.name + (row.vip ? " · VIP" : "")), el("small", "text-secondary", minutesSince(row.waiting_since)));
    const accept = el("button", "btn btn-sm btn-success mt-1", S.accept);
    accept.type = "button";
    accept.addEventListener("click", (event) => { event.stopPropagation(); acceptChat(row.id); });
    li.append(top, el("span", "chat-preview text-secondary", row.preview));
    if (row.group) li.append(el("span", "badge text-bg-light me-1", row.group));
    if (row.offline) li.append(el("span", "badge text-bg-secondary me-1", S.offline));
    li.append(accept);
    li.addEventListener("click", () => select(row.id));
    waiting.appendChild(li);
  }
  if (!state.waiting.length) waiting.appendChild(el("li", "list-group-item text-secondary small", S.no_waiting));
  const mine = $("chat-mine");
  mine.replaceChildren();
  for (const row of state.mine) {
    const chat = record(row);
    const li = el("li", "list-group-item list-group-item-action d-flex justify-content-between align-items-center" + (row.id === current ? " active" : ""));
    li.dataset.chatId = row.id;
    const text = el("div", "text-truncate");
    text.append(el("strong", null, row.name), el("span", "chat-preview text-secondary", row.preview));
    li.appendChild(text);
    if (chat.unread && row.id !== current) li.appendChild(el("span", "badge rounded-pill chat-unread", String(chat.unread)));
    li.addEventListener("click", () => select(row.id));
    mine.appendChild(li);
    if (!chat.loaded) load(chat).then(wake); // follow every chat of mine, shown or not
  }
  if (!state.mine.length) mine.appendChild(el("li", "list-group-item text-secondary small", S.no_mine));
  $("chat-waiting-count").textContent = state.waiting.length;
  $("chat-mine-count").textContent = state.mine.length;
  $("chat-online-count").textContent = fill(S.online_count, { n: state.online });
  $("chat-presence").value = state.presence;
  $("chat-presence").dataset.presence = state.presence;
  document.title = state.waiting.length ? `(${state.waiting.length}) ${S.new_waiting} · ${baseTitle}` : baseTitle;
  waitingCount = state.waiting.length;
  if (current && chats.has(current)) renderHead(chats.get(current));
}

// ---------------------------------------------------------------- one chat
function itemNode(item) {
  const who = item.kind === "system" ? "is-system" : item.kind === "note" ? "is-note" : `from-${item.author.kind}`;
  const li = el("li", who);
  if (item.client_id) li.dataset.clientId = item.client_id;
  if (item.kind === "system") { li.textContent = item.text; return li; }
  const label = item.kind === "note" ? `${item.author.name} · ${S.note_badge}` : item.author.kind === "bot" ? S.bot : item.author.name;
  const time = item.created_at ? new Date(item.created_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
  li.append(el("div", "chat-meta", `${label} · ${time}`), el("div", "chat-text", item.text));
  const suggestions = (item.data && item.data.suggestions) || [];
  if (suggestions.length) {
    const list = el("ul", "chat-suggestions");
    list.setAttribute("aria-label", S.suggested);
    for (const s of suggestions) {
      const li2 = el("li");
      const a = el("a", null, s.title);
      if (s.url) { a.href = s.url; a.target = "_blank"; a.rel = "noopener"; }
      li2.appendChild(a);
      list.appendChild(li2);
    }
    li.appendChild(list);
  }
  return li;
}

function absorb(chat, items, quiet = false) {
  const fresh = items.filter((i) => i.seq > chat.lastSeq);
  for (const item of fresh) {
    chat.lastSeq = item.seq;
    chat.items.push(item);
    if (item.data && item.data.event === "ended") chat.status = "ended";
  }
  if (!fresh.length) return;
  if (chat.id === current) {
    const log = $("chat-log");
    for (const item of fresh) {
      const pending = item.client_id && log.querySelector(`[data-client-id="${CSS.escape(item.client_id)}"]`);
      if (pending) pending.replaceWith(itemNode(item)); else log.appendChild(itemNode(item));
    }
    log.scrollTop = log.scrollHeight;
    renderHead(chat);
  } else if (!quiet) {
    chat.unread += fresh.filter((i) => i.author.kind === "customer").length;
    markUnread(chat);
  }
}

function markUnread(chat) {
  const li = document.querySelector(`#chat-mine [data-chat-id="${chat.id}"]`);
  if (!li) return;
  let badge = li.querySelector(".chat-unread");
  if (!badge) { badge = el("span", "badge rounded-pill chat-unread"); li.appendChild(badge); }
  badge.textContent = String(chat.unread);
  badge.hidden = !chat.unread;
}

async function load(chat) {
  const r = await request(apiUrl(chat.id));
  if (!r.ok) return;
  chat.status = r.data.status;
  chat.ticket = r.data.ticket;
  chat.loaded = true;
  absorb(chat, r.data.messages, true);
}

function renderHead(chat) {
  const head = $("chat-head");
  if (!head) return;
  head.replaceChildren();
  const title = el("div", "flex-grow-1 min-w-0");
  title.appendChild(el("strong", "me-2", chat.name || ""));
  if (chat.ticket) {
    const a = el("a", "small", `${S.ticket} #${chat.ticket}`);
    a.href = page.dataset.ticketUrl.replace(/0$/, chat.ticket);
    title.appendChild(a);
  }
  head.appendChild(title);
  if (chat.status === "waiting") {
    const accept = el("button", "btn btn-sm btn-success", S.accept);
    accept.type = "button";
    accept.addEventListener("click", () => acceptChat(chat.id));
    head.appendChild(accept);
  }
  if (chat.status === "active" || chat.status === "waiting") head.append(transferControl(chat), endControl(chat));
  if (chat.status === "ended") head.appendChild(el("span", "badge text-bg-secondary", S.ended));
  const compose = $("chat-compose");
  if (compose) compose.hidden = chat.status === "ended";
}

function transferControl(chat) {
  const select = el("select", "form-select form-select-sm w-auto");
  select.setAttribute("aria-label", S.transfer);
  select.appendChild(new Option(`${S.transfer}…`, ""));
  const agents = el("optgroup");
  agents.label = S.transfer_agent;
  for (const a of data.agents) agents.appendChild(new Option(a.name, `agent:${a.id}`));
  const groups = el("optgroup");
  groups.label = S.transfer_group;
  for (const g of data.groups) groups.appendChild(new Option(g.name, `group:${g.id}`));
  select.append(agents, groups);
  select.addEventListener("change", async () => {
    const [kind, id] = select.value.split(":");
    if (!id) return;
    const r = await request(deskUrl(`${chat.id}/transfer`), { method: "POST", form: { [kind]: id } });
    if (!r.ok) alert(errorOf(r));
    wake();
  });
  return select;
}

function endControl(chat) {
  const group = el("div", "btn-group btn-group-sm");
  for (const [label, solve, cls] of [[S.end_solve, "1", "btn-outline-danger"], [S.end_keep, "0", "btn-outline-secondary"]]) {
    const button = el("button", `btn ${cls}`, label);
    button.type = "button";
    button.addEventListener("click", async () => {
      const r = await request(deskUrl(`${chat.id}/end`), { method: "POST", form: { solve } });
      if (!r.ok) alert(errorOf(r));
      wake();
    });
    group.appendChild(button);
  }
  return group;
}

function composer(chat) {
  const form = el("form", "chat-compose");
  form.id = "chat-compose";
  const area = el("textarea", "form-control mb-2");
  area.rows = 3;
  area.placeholder = fill(S.placeholder, { name: chat.name || "" });
  area.setAttribute("aria-label", area.placeholder);
  const bar = el("div", "d-flex flex-wrap gap-2 align-items-center");
  const canned = el("select", "form-select form-select-sm w-auto");
  canned.setAttribute("aria-label", S.canned);
  canned.appendChild(new Option(data.canned.length ? `${S.canned}…` : S.no_canned, ""));
  for (const m of data.canned) canned.appendChild(new Option(m.name, String(m.id)));
  const noteWrap = el("div", "form-check form-switch mb-0");
  const note = el("input", "form-check-input");
  note.type = "checkbox";
  note.id = "chat-note";
  note.setAttribute("role", "switch");
  const noteLabel = el("label", "form-check-label small", S.note);
  noteLabel.htmlFor = "chat-note";
  noteWrap.append(note, noteLabel);
  const send = el("button", "btn btn-primary btn-sm ms-auto", S.send);
  send.type = "submit";
  bar.append(canned, noteWrap, send);
  form.append(area, bar);
  const setNote = (on) => {
    note.checked = on;
    form.classList.toggle("is-note", on);
    area.placeholder = on ? S.placeholder_note : fill(S.placeholder, { name: chat.name || "" });
  };
  note.addEventListener("change", () => setNote(note.checked));
  canned.addEventListener("change", () => {
    const macro = data.canned.find((m) => String(m.id) === canned.value);
    canned.value = "";
    if (!macro) return;
    area.value = macro.body
      .replace(/\{\{\s*customer\.name\s*\}\}/g, chat.name || "")
      .replace(/\{\{\s*agent\.name\s*\}\}/g, page.dataset.agentName);
    if (macro.internal) setNote(true);
    area.focus();
  });
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = area.value.trim();
    if (!text) return;
    area.value = "";
    sendMessage(chat, text, note.checked);
  });
  return form;
}

async function sendMessage(chat, text, internal, clientId = newId(), tries = 0) {
  const log = $("chat-log");
  if (tries === 0 && log) {
    const pending = itemNode({ kind: internal ? "note" : "message", author: { kind: "agent", name: page.dataset.agentName }, text, client_id: clientId });
    pending.classList.add("opacity-50");
    log.appendChild(pending);
    log.scrollTop = log.scrollHeight;
  }
  try {
    const r = await request(apiUrl(chat.id, "/messages"), { method: "POST", json: { text, client_id: clientId, internal } });
    if (r.status === 429 || r.status >= 500) throw new Error("later");
    if (!r.ok) alert(errorOf(r));
    wake();
  } catch {
    await sleep(Math.min(15000, 1000 * 2 ** Math.min(tries + 1, 4)));
    sendMessage(chat, text, internal, clientId, tries + 1); // the same client id: never sent twice
  }
}

async function select(id) {
  current = id;
  const chat = chats.get(id);
  if (!chat) return;
  chat.unread = 0;
  document.querySelectorAll("[data-chat-id]").forEach((li) => li.classList.toggle("active", Number(li.dataset.chatId) === id));
  const pane = $("chat-pane");
  const head = el("div", "chat-pane-head");
  head.id = "chat-head";
  const log = el("ol", "chat-log");
  log.id = "chat-log";
  log.setAttribute("aria-live", "polite");
  for (const item of chat.items) log.appendChild(itemNode(item));
  pane.replaceChildren(head, log, composer(chat));
  renderHead(chat);
  if (!chat.loaded) await load(chat);
  log.scrollTop = log.scrollHeight;
  const panel = await fetch(deskUrl(`${id}/panel`), { credentials: "same-origin" });
  if (panel.ok && current === id) $("chat-customer").innerHTML = await panel.text(); // rendered and escaped by the server
  wake();
}

async function acceptChat(id) {
  const r = await request(deskUrl(`${id}/accept`), { method: "POST" });
  if (!r.ok) { alert(r.status === 409 ? S.taken : errorOf(r)); wake(); return; }
  const chat = chats.get(id);
  if (chat) chat.status = "active";
  await select(id);
}

// ---------------------------------------------------------------- the long-poll
let controller = null;
function wake() { if (controller) controller.abort(); }

async function pollLoop() {
  let backoff = 1000;
  for (;;) {
    controller = new AbortController();
    const open = [...chats.values()].filter((c) => c.loaded && c.status !== "ended");
    const c = open.map((chat) => `${chat.id}:${chat.lastSeq}`).join(",");
    try {
      const response = await fetch(`${page.dataset.pollUrl}?v=${version}&c=${c}&wait=20`, { credentials: "same-origin", signal: controller.signal });
      if (!response.ok) throw new Error(String(response.status));
      const body = await response.json();
      version = body.v;
      for (const [id, items] of Object.entries(body.events)) {
        const chat = chats.get(Number(id));
        if (chat) absorb(chat, items);
      }
      if (body.state) renderState(body.state);
      $("chat-connection").classList.add("d-none");
      backoff = 1000;
    } catch (error) {
      if (controller.signal.aborted) continue; // woken on purpose: ask again at once
      $("chat-connection").textContent = S.reconnecting;
      $("chat-connection").classList.remove("d-none");
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 15000);
    }
  }
}

$("chat-presence").addEventListener("change", async (event) => {
  await request(deskUrl("presence"), { method: "POST", form: { presence: event.target.value } });
  wake();
});

pollLoop();
