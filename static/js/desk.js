// The agent workspace: j/k/Enter through the queue; presence pings and change notices on a ticket.
import { csrfToken } from "./csrf.js";

export function initQueueKeys() {
  const table = document.querySelector("[data-keyboard-list]");
  if (!table) return;
  const rows = Array.from(table.querySelectorAll("tbody tr[data-href]"));
  let index = -1;
  const focus = (i) => {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r) => r.classList.remove("kb-focus"));
    rows[index].classList.add("kb-focus");
    rows[index].scrollIntoView({ block: "nearest" });
  };
  rows.forEach((row, i) => row.addEventListener("click", (event) => {
    if (event.target.closest("a, button, input")) return;
    window.location = row.dataset.href;
  }));
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j") { focus(index + 1); event.preventDefault(); }
    if (event.key === "k") { focus(index - 1); event.preventDefault(); }
    if (event.key === "Enter" && index >= 0) { window.location = rows[index].dataset.href; }
  });
}

export function initTicketPage() {
  const page = document.querySelector(".ticket-page[data-presence-url]");
  if (!page) return;
  const url = page.dataset.presenceUrl;
  const openedVersion = Number(page.dataset.version);
  const text = document.querySelector("#reply-form textarea");
  const collision = document.getElementById("collision");
  const stale = document.getElementById("stale");
  const ping = async () => {
    const body = new URLSearchParams({ replying: text && text.value.trim() ? "1" : "0" });
    try {
      const response = await fetch(url, {
        method: "POST", body, headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin",
      });
      if (!response.ok) return;
      const data = await response.json();
      collision.replaceChildren(...data.viewers.map((v) => {
        const span = document.createElement("span");
        span.className = "me-2";
        span.textContent = `👁 ${v.name}${v.replying ? " — " + (document.documentElement.lang === "ko" ? "답장 작성 중" : "replying") : ""}`;
        return span;
      }));
      collision.classList.toggle("d-none", data.viewers.length === 0);
      stale.classList.toggle("d-none", data.version === openedVersion);
    } catch (error) { /* offline for a moment: the next ping tries again */ }
  };
  ping();
  setInterval(ping, 8000);
}
