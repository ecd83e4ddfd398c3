// Type-ahead answers while a customer writes a request, and the deflection beacons that go with them.
// Each visit to the form gets a random key (kept for the tab, so going to an article and back is one visit):
// suggestions shown and opened are recorded under it, and the key is sent with the request if it is filed.
import { csrfToken } from "./csrf.js";
import { remember } from "./context.js";

const KEY = "hana.deflection";
const box = document.getElementById("request-suggestions");

function attemptKey() {
  let key = null;
  try { key = sessionStorage.getItem(KEY); } catch { /* private mode */ }
  if (!key) {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    key = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    try { sessionStorage.setItem(KEY, key); } catch { /* private mode */ }
  }
  return key;
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function item(hit) {
  const link = document.createElement("a");
  link.className = "list-group-item list-group-item-action px-0";
  link.href = hit.url;
  link.dataset.kind = hit.kind;
  link.dataset.id = hit.id;
  const kind = document.createElement("div");
  kind.className = "suggest-kind text-primary";
  kind.textContent = hit.label;
  const title = document.createElement("div");
  title.className = "fw-semibold";
  title.textContent = hit.title;
  const snippet = document.createElement("div");
  snippet.className = "small text-secondary";
  snippet.innerHTML = hit.snippet; // escaped by the server; only <mark> added
  link.append(kind, title, snippet);
  return link;
}

function initRequestSuggestions() {
  if (!box) return;
  const form = box.closest("form");
  const subject = form.querySelector("[name=subject]");
  const text = form.querySelector("[name=text]");
  const list = box.querySelector("[data-suggest-list]");
  const key = attemptKey();
  let lastQuery = "";
  let controller = null;

  async function lookUp() {
    const query = `${subject ? subject.value : ""} ${text ? text.value.slice(0, 300) : ""}`.trim();
    if (query === lastQuery) return;
    lastQuery = query;
    if (query.length < 2) { box.hidden = true; return; }
    if (controller) controller.abort();
    controller = new AbortController();
    const url = `${box.dataset.suggestUrl}?q=${encodeURIComponent(query)}&key=${key}`;
    try {
      const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      list.replaceChildren(...data.items.map(item));
      box.hidden = data.items.length === 0;
    } catch { /* aborted or offline: keep what is shown */ }
  }

  const onInput = debounce(lookUp, 250);
  for (const field of [subject, text]) if (field) field.addEventListener("input", onInput);
  if (subject && subject.value) lookUp();

  list.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-id]");
    if (!link) return;
    remember("searches", { q: lastQuery.slice(0, 200), attempt: key });
    const body = JSON.stringify({ key, kind: link.dataset.kind, id: link.dataset.id, title: link.querySelector(".fw-semibold").textContent });
    fetch(box.dataset.openedUrl, {
      method: "POST", keepalive: true, body,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    }).catch(() => {});
  });

  form.addEventListener("submit", () => {
    // The request is filed: tell the server which visit it came from, and start a new visit next time.
    const field = document.getElementById("request-context");
    if (field) {
      let context = {};
      try { context = JSON.parse(field.value || "{}"); } catch { context = {}; }
      const searches = Array.isArray(context.searches) ? context.searches : [];
      if (!searches.some((s) => s && s.attempt === key)) searches.push({ q: lastQuery.slice(0, 200), attempt: key });
      context.searches = searches.slice(-20);
      field.value = JSON.stringify(context);
    }
    try { sessionStorage.removeItem(KEY); } catch { /* private mode */ }
  });
}

initRequestSuggestions();
