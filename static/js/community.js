// The board without page reloads where it helps: votes, Markdown preview; and "never ask twice" context
// (posts read before filing a request). Everything also works as plain forms without JavaScript.
import { csrfToken } from "./csrf.js";
import { remember } from "./context.js";

async function post(url, data) {
  const response = await fetch(url, {
    method: "POST",
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: data,
    credentials: "same-origin",
  });
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: fall back to the page */ }
  return { ok: response.ok, status: response.status, body };
}

function setVoteState(widget, mine, score) {
  widget.dataset.mine = String(mine);
  widget.querySelector(".score").textContent = String(score);
  for (const button of widget.querySelectorAll("button[data-value]")) {
    const value = Number(button.dataset.value);
    const active = mine === value;
    button.classList.toggle("active", active);
    button.setAttribute("aria-pressed", active ? "true" : "false");
    button.form.querySelector("input[name=value]").value = active ? "0" : String(value);
  }
}

function initVotes() {
  document.addEventListener("submit", async (event) => {
    const widget = event.target.closest("[data-vote]");
    if (!widget) return;
    event.preventDefault();
    const form = event.target;
    const value = Number(form.querySelector("input[name=value]").value);
    const result = await post(widget.dataset.url, new FormData(form));
    if (result.ok && result.body) {
      setVoteState(widget, value, result.body.score);
    } else if (result.body && result.body.error) {
      showNotice(widget, result.body.error.message);
    } else {
      form.submit();
    }
  });
}

function showNotice(near, text) {
  const notice = document.createElement("div");
  notice.className = "alert alert-warning py-1 px-2 small mt-2 vote-notice";
  notice.setAttribute("role", "status");
  notice.textContent = text;
  const host = near.closest(".card-body") || near.parentElement;
  host.querySelectorAll(".vote-notice").forEach((n) => n.remove());
  host.appendChild(notice);
  setTimeout(() => notice.remove(), 5000);
}

function initPreview() {
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-preview]");
    if (!button) return;
    const form = button.closest("form");
    const area = form.querySelector("textarea[data-markdown]");
    const target = form.querySelector(".markdown-preview");
    if (!area || !target) return;
    const data = new FormData();
    data.append("body", area.value);
    const result = await post(button.dataset.url, data);
    // The server sanitized this HTML exactly as it will when the text is posted.
    target.innerHTML = result.ok && result.body ? result.body.html : "";
    target.classList.toggle("d-none", !target.innerHTML.trim());
  });
}

function rememberThread() {
  const thread = document.querySelector(".thread[data-post-id]");
  if (thread) {
    remember("posts", { id: thread.dataset.postId, title: thread.dataset.postTitle, url: location.pathname });
  }
}

initVotes();
initPreview();
rememberThread();
