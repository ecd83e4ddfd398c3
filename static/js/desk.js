// The agent workspace: keyboard work in the queue (j/k/x/o, views 1–7, bulk selection), the ticket page
// (presence, changes since opening, drafts kept, macros, reply/note keys), "load more" on timelines, the
// customer picker, and the shortcuts overlay (?). Every part also works as plain links and forms without it.
import { csrfToken } from "./csrf.js";

const typingIn = (target) => target.closest("input, textarea, select, [contenteditable]");
const plainKey = (event) => !(event.ctrlKey || event.metaKey || event.altKey);

function autoSubmit() {
  document.querySelectorAll("select[data-auto-submit]").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
}

function initBulk(rows) {
  const form = document.getElementById("bulk-form");
  if (!form) return () => {};
  const boxes = rows.map((row) => row.querySelector('input[name="ids"]'));
  const all = document.querySelector("[data-select-all]");
  const label = form.querySelector(".bulk-count");
  const refresh = () => {
    const n = boxes.filter((box) => box.checked).length;
    rows.forEach((row, i) => row.classList.toggle("selected", boxes[i].checked));
    label.textContent = label.dataset.template.replace("{n}", n);
    form.classList.toggle("is-empty", n === 0);
    if (all) {
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
  };
  boxes.forEach((box) => box.addEventListener("change", refresh));
  if (all) all.addEventListener("change", () => { boxes.forEach((box) => { box.checked = all.checked; }); refresh(); });
  form.addEventListener("submit", (event) => {
    if (!boxes.some((box) => box.checked)) { event.preventDefault(); }
  });
  refresh();
  return (i, selectAll) => {
    if (selectAll) {
      const every = !boxes.every((box) => box.checked);
      boxes.forEach((box) => { box.checked = every; });
    } else if (boxes[i]) {
      boxes[i].checked = !boxes[i].checked;
    }
    refresh();
  };
}

export function initQueueKeys() {
  autoSubmit();
  const table = document.querySelector("[data-keyboard-list]");
  const page = document.querySelector("[data-queue]");
  if (!page) return;
  const rows = table ? Array.from(table.querySelectorAll("tbody tr[data-href]")) : [];
  const toggle = initBulk(rows);
  const views = (page.dataset.views || "").split(",");
  let index = -1;
  const focus = (i) => {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r) => r.classList.remove("kb-focus"));
    rows[index].classList.add("kb-focus");
    rows[index].scrollIntoView({ block: "nearest" });
  };
  rows.forEach((row) => row.addEventListener("click", (event) => {
    if (event.target.closest("a, button, input, label, select")) return;
    if (event.target.closest(".select-cell")) return;
    window.location = row.dataset.href;
  }));
  document.addEventListener("keydown", (event) => {
    if (typingIn(event.target) || !plainKey(event) || document.querySelector(".modal.show")) return;
    const key = event.key;
    if (key === "j") { focus(index + 1); event.preventDefault(); }
    else if (key === "k") { focus(index - 1); event.preventDefault(); }
    else if ((key === "Enter" || key === "o") && index >= 0) { window.location = rows[index].dataset.href; }
    else if (key === "x" && index >= 0) { toggle(index, false); event.preventDefault(); }
    else if (key === "A") { toggle(0, true); event.preventDefault(); }
    else if (/^[1-7]$/.test(key) && views[Number(key) - 1]) {
      const url = new URL(window.location.href);
      window.location = `${url.pathname}?view=${views[Number(key) - 1]}`;
    }
  });
}

function initHelp() {
  const modal = document.getElementById("shortcuts");
  if (!modal || !window.bootstrap) return;
  document.addEventListener("keydown", (event) => {
    const instance = window.bootstrap.Modal.getOrCreateInstance(modal);
    if (event.key === "Escape" && modal.classList.contains("show")) { instance.hide(); return; }
    if (event.key !== "?" || typingIn(event.target) || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    instance.toggle();
  });
}

// ---------------------------------------------------------------- ticket page

function initDraft(page, text) {
  const key = page.dataset.draftKey;
  if (!text || !key) return;
  try {
    const saved = sessionStorage.getItem(key);
    if (saved && !text.value.trim()) text.value = saved;
    text.addEventListener("input", () => sessionStorage.setItem(key, text.value));
    text.form.addEventListener("submit", () => sessionStorage.removeItem(key));
  } catch { /* private mode: drafts are not kept across reloads */ }
}

function initNoteToggle(text) {
  const note = document.querySelector("#reply-form input[name=internal]");
  if (!note || !text) return;
  const card = document.querySelector(".reply-card");
  const reply = text.getAttribute("placeholder");
  const sync = () => {
    card.classList.toggle("is-note", note.checked);
    text.setAttribute("placeholder", note.checked ? text.dataset.notePlaceholder : reply);
  };
  note.addEventListener("change", sync);
  sync();
  document.addEventListener("keydown", (event) => {
    if (event.key !== "n" || typingIn(event.target) || !plainKey(event)) return;
    event.preventDefault();
    note.checked = true;
    sync();
    text.focus();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "r" || typingIn(event.target) || !plainKey(event)) return;
    note.checked = false;
    sync();
  }, true);
}

function describeMacro(box, data) {
  const labels = JSON.parse(box.dataset.labels || "{}");
  const parts = [labels.macro.replace("{name}", data.name)];
  if (data.status) parts.push(`${labels.status} → ${data.status_label}`);
  if (data.priority) parts.push(`${labels.priority} → ${data.priority_label}`);
  if (data.add_tags && data.add_tags.length) parts.push(`${labels.tags} + ${data.add_tags.join(" ")}`);
  return parts.join(" · ");
}

function initMacros(text) {
  const picker = document.querySelector(".macro-picker");
  if (!picker || !text) return;
  const button = picker.querySelector("[data-bs-toggle=dropdown]");
  const filter = picker.querySelector("[data-macro-filter]");
  const items = Array.from(picker.querySelectorAll(".macro-item"));
  const hidden = document.querySelector("#reply-form input[name=macro_id]");
  const box = document.querySelector(".applied-macro");
  const status = document.querySelector("#reply-form select[name=status]");
  const note = document.querySelector("#reply-form input[name=internal]");
  const open = () => {
    window.bootstrap.Dropdown.getOrCreateInstance(button).show();
    if (filter) setTimeout(() => filter.focus(), 0);
  };
  if (filter) {
    filter.addEventListener("input", () => {
      const q = filter.value.trim().toLowerCase();
      items.forEach((item) => { item.classList.toggle("d-none", q && !item.dataset.name.includes(q)); });
    });
    filter.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        const first = items.find((item) => !item.classList.contains("d-none"));
        if (first) first.click();
      }
    });
  }
  items.forEach((item) => item.addEventListener("click", async (event) => {
    event.preventDefault();
    const response = await fetch(item.dataset.macroUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    const start = text.selectionStart ?? text.value.length;
    text.value = text.value.trim() ? `${text.value.slice(0, start)}${data.text}${text.value.slice(start)}` : data.text;
    text.dispatchEvent(new Event("input"));
    hidden.value = data.id;
    if (status && data.status) status.value = data.status;
    if (note) { note.checked = data.internal; note.dispatchEvent(new Event("change")); }
    box.querySelector(".applied-text").textContent = describeMacro(box, data);
    box.classList.remove("d-none");
    window.bootstrap.Dropdown.getOrCreateInstance(button).hide();
    text.focus();
  }));
  box.querySelector(".clear-macro").addEventListener("click", () => {
    hidden.value = "";
    box.classList.add("d-none");
  });
  document.addEventListener("keydown", (event) => {
    const inReply = event.target === text;
    if ((event.key === "." && (event.ctrlKey || event.metaKey) && inReply)
        || (event.key === "m" && !typingIn(event.target) && plainKey(event))) {
      event.preventDefault();
      open();
    }
  });
}

function viewerLabel(collision, viewer) {
  const span = document.createElement("span");
  span.className = "me-2 viewer";
  const icon = document.createElement("i");
  icon.className = `bi ${viewer.replying ? "bi-pencil" : "bi-eye"}`;
  span.append(icon, ` ${viewer.name} — ${viewer.replying ? collision.dataset.replying : collision.dataset.viewing}`);
  return span;
}

function initPresence(page, text) {
  const url = page.dataset.presenceUrl;
  const openedVersion = Number(page.dataset.version);
  const collision = document.getElementById("collision");
  const stale = document.getElementById("stale");
  let typing = false;
  const ping = async (extra = {}) => {
    const body = new URLSearchParams({
      replying: text && text.value.trim() ? "1" : "0", since: page.dataset.seenMessage || "0", ...extra,
    });
    try {
      const response = await fetch(url, {
        method: "POST", body, headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin", keepalive: true,
      });
      if (!response.ok) return;
      const data = await response.json();
      collision.replaceChildren(...data.viewers.map((v) => viewerLabel(collision, v)));
      collision.classList.toggle("d-none", data.viewers.length === 0);
      const fresh = data.new_messages || [];
      const changed = data.version !== openedVersion;
      if (changed) {
        stale.querySelector(".stale-text").textContent = fresh.length
          ? stale.dataset.newFrom.replace("{name}", [...new Set(fresh.map((m) => m.author))].join(", "))
          : stale.dataset.changed;
      }
      stale.classList.toggle("d-none", !changed);
    } catch { /* offline for a moment: the next ping tries again */ }
  };
  ping();
  setInterval(ping, 5000);
  if (text) {
    text.addEventListener("input", () => {
      const now = Boolean(text.value.trim());
      if (now !== typing) { typing = now; ping(); }
    });
  }
  window.addEventListener("pagehide", () => { ping({ leaving: "1" }); });
}

export function initTicketPage() {
  const page = document.querySelector(".ticket-page[data-presence-url]");
  if (!page) return;
  const text = document.querySelector("#reply-form textarea");
  initDraft(page, text);
  initNoteToggle(text);
  initMacros(text);
  initPresence(page, text);
  if (page.hasAttribute("data-held") && text) {
    const first = document.querySelector(".message.is-new");
    (first || text).scrollIntoView({ block: "center" });
  }
}

// ---------------------------------------------------------------- customer panel and new tickets

function initLoadMore() {
  document.addEventListener("click", async (event) => {
    const link = event.target.closest("a[data-load-more]");
    if (!link) return;
    event.preventDefault();
    link.classList.add("disabled");
    const response = await fetch(link.dataset.loadMore, { credentials: "same-origin" });
    if (!response.ok) { window.location = link.href; return; }
    const holder = document.createElement("template");
    holder.innerHTML = await response.text();
    link.closest("li").replaceWith(holder.content);
  });
}

function initCustomerPicker() {
  const picker = document.querySelector(".customer-picker[data-lookup-url]");
  if (!picker) return;
  const input = picker.querySelector("input");
  const results = picker.querySelector(".picker-results");
  let timer = null;
  const search = async () => {
    const q = input.value.trim();
    if (q.length < 2) { results.replaceChildren(); return; }
    const response = await fetch(`${picker.dataset.lookupUrl}?q=${encodeURIComponent(q)}`, { credentials: "same-origin" });
    if (!response.ok) return;
    const found = await response.json();
    results.replaceChildren(...found.map((c) => {
      const a = document.createElement("a");
      a.className = "list-group-item list-group-item-action small";
      a.href = `${picker.dataset.pickUrl}?customer=${c.id}`;
      const strong = document.createElement("strong");
      strong.textContent = c.name;
      a.append(strong, ` ${c.email || c.phone || ""}`);
      return a;
    }));
  };
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 200); });
}

initHelp();
initLoadMore();
initCustomerPicker();
document.documentElement.dataset.deskReady = "1";  // keys work from here on (tests wait for it)
