// Small behaviours shared by every page: confirmations, keyboard flow in the queue and reply box,
// presence and collision notices on the ticket page, and "never ask twice" context for new requests.
import { initQueueKeys, initTicketPage } from "./desk.js";
import { rememberVisit, fillRequestContext } from "./context.js";
export { csrfToken } from "./csrf.js";

function initConfirm() {
  document.addEventListener("click", (event) => {
    const el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) {
      event.preventDefault();
    }
  });
}

function initShortcuts() {
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "Escape" && typing) { typing.blur(); return; }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = document.querySelector(`[data-shortcut="${CSS.escape(event.key)}"]`);
    if (!target) return;
    event.preventDefault();
    if (target.matches("a")) { target.click(); } else { target.focus(); }
  });
  // Ctrl/Cmd+Enter sends the form of the text area being typed in.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.matches("textarea")) {
      const form = event.target.closest("form");
      if (form) { event.preventDefault(); form.requestSubmit(); }
    }
  });
}

initConfirm();
initShortcuts();
initQueueKeys();
initTicketPage();
rememberVisit();
fillRequestContext();
