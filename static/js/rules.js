// The rule builder: add and remove condition/action rows, and draw the right operators and value control for
// what each row looks at or does. The server draws the same controls for saved rows (works without JS).
const form = document.getElementById("rule-form");

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) node.append(child);
  return node;
}

function select(name, options, value, label) {
  const node = el("select", { class: "form-select form-select-sm", name, "data-role": "value", "aria-label": label });
  for (const [key, text] of options) {
    const option = el("option", { value: key }, [text]);
    if (String(key) === String(value ?? "")) option.selected = true;
    node.append(option);
  }
  return node;
}

function control(name, kind, options, value, label) {
  if ((kind === "choice" || kind === "group" || kind === "email") && options) {
    return select(name, options, value, label);
  }
  if (kind === "flag") return el("input", { type: "hidden", name, value: "", "data-role": "value" });
  if (kind === "hours") {
    return el("input", { class: "form-control form-control-sm", type: "number", min: "0", step: "0.5", name,
      value: value ?? "", "data-role": "value", "aria-label": label });
  }
  if (kind === "note") {
    const area = el("textarea", { class: "form-control form-control-sm", rows: "2", name, "data-role": "value",
      "aria-label": label });
    area.value = value ?? "";
    return area;
  }
  return el("input", { class: "form-control form-control-sm", name, value: value ?? "", "data-role": "value",
    "aria-label": label });
}

function replaceValue(row, node) {
  const box = row.querySelector("[data-role=value-box]");
  const old = box.querySelector("[data-role=value]");
  const keep = old && old.type !== "hidden" && old.tagName !== "SELECT" && node.tagName !== "SELECT" ? old.value : "";
  if (keep && node.type !== "hidden") node.value = keep;
  if (old) old.replaceWith(node); else box.prepend(node);
  box.querySelectorAll(".invalid-feedback").forEach((e) => e.remove());
}

function onField(row, spec) {
  const field = row.querySelector("[data-role=field]");
  const op = row.querySelector("[data-role=op]");
  const info = spec.fields[field.value];
  const current = op.value;
  op.replaceChildren(...(info ? info.ops : []).map(([key, text]) => el("option", { value: key }, [text])));
  if (info && info.ops.some(([key]) => key === current)) op.value = current;
  const name = field.name.replace(/-field$/, "-value");
  replaceValue(row, control(name, info ? info.kind : "text", info && info.choices, "", field.selectedOptions[0].text));
}

function onType(row, spec) {
  const type = row.querySelector("[data-role=type]");
  const info = spec.actions[type.value];
  const name = type.name.replace(/-type$/, "-value");
  replaceValue(row, control(name, info ? info.kind : "text", info && info.choices, "", type.selectedOptions[0].text));
  row.querySelector("[data-role=email]").classList.toggle("d-none", !info || info.kind !== "email");
}

function nextIndex(list) {
  let top = -1;
  list.querySelectorAll("[name]").forEach((input) => {
    const match = input.name.match(/^\w+-(\d+)-/);
    if (match) top = Math.max(top, Number(match[1]));
  });
  return top + 1;
}

function addRow(kind) {
  const list = form.querySelector(`[data-rows=${kind}]`);
  const template = document.getElementById(`${kind}-template`);
  const index = String(nextIndex(list));
  const row = template.content.firstElementChild.cloneNode(true);
  row.querySelectorAll("[name], [id], [for]").forEach((node) => {
    for (const attr of ["name", "id", "for"]) {
      if (node.hasAttribute(attr)) node.setAttribute(attr, node.getAttribute(attr).replace("__i__", index));
    }
  });
  list.append(row);
  applyKind();
  row.querySelector("select").focus();
}

function applyKind() {
  const kind = form.querySelector("[name=kind]").value;
  const runsOn = form.querySelector("[data-role=runs-on]");
  if (runsOn) runsOn.classList.toggle("d-none", kind !== "trigger");
  form.querySelectorAll("[data-role=field] option[data-automation]").forEach((option) => {
    option.disabled = kind !== "automation";
    option.hidden = kind !== "automation";
  });
}

if (form) {
  const spec = JSON.parse(form.dataset.builder);
  form.addEventListener("change", (event) => {
    const row = event.target.closest("[data-row]");
    if (event.target.matches("[data-role=field]")) onField(row, spec);
    if (event.target.matches("[data-role=type]")) onType(row, spec);
    if (event.target.matches("[name=kind]")) applyKind();
  });
  form.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add]");
    if (add) { addRow(add.dataset.add); return; }
    const remove = event.target.closest("[data-remove]");
    if (remove) remove.closest("[data-row]").remove();
  });
  applyKind();
}

// Lists: a filter select applies as soon as it changes.
document.querySelectorAll("select[data-autosubmit]").forEach((node) => {
  node.addEventListener("change", () => node.form.requestSubmit());
});
