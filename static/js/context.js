// "Never ask twice": remember what the customer searched and read in this visit, and send it with a new request.
const KEY = "hana.context";

function load() {
  try { return JSON.parse(sessionStorage.getItem(KEY)) || {}; } catch { return {}; }
}

function save(data) {
  try { sessionStorage.setItem(KEY, JSON.stringify(data)); } catch { /* private mode: skip */ }
}

export function remember(kind, value) {
  const data = load();
  const list = data[kind] || [];
  const key = JSON.stringify(value);
  if (!list.some((item) => JSON.stringify(item) === key)) list.push(value);
  data[kind] = list.slice(-20);
  save(data);
}

export function rememberVisit() {
  const data = load();
  if (!data.referrer && document.referrer && !document.referrer.startsWith(location.origin)) {
    data.referrer = document.referrer;
    save(data);
  }
  const article = document.querySelector("[data-article-id]");
  if (article) {
    remember("articles", { id: article.dataset.articleId, title: article.dataset.articleTitle || document.title, url: location.pathname });
  }
  const query = new URLSearchParams(location.search).get("q");
  if (query && document.querySelector("[data-search-page]")) remember("searches", query);
}

export function fillRequestContext() {
  const field = document.getElementById("request-context");
  if (!field) return;
  const data = load();
  data.page = location.pathname;
  field.value = JSON.stringify(data);
  field.form.addEventListener("submit", () => { sessionStorage.removeItem(KEY); });
}
