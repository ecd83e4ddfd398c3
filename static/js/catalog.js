// Service catalog: filter the list, show conditional questions, follow a request live, and the admin's builder.

function initFilter() {
  const input = document.querySelector("[data-catalog-filter]");
  if (!input) return;
  const none = document.querySelector("[data-catalog-none]");
  input.addEventListener("input", () => {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    document.querySelectorAll("[data-catalog-category]").forEach((section) => {
      let inSection = 0;
      section.querySelectorAll("[data-catalog-card]").forEach((card) => {
        const match = words.every((w) => card.dataset.search.includes(w));
        card.hidden = !match;
        if (match) inSection += 1;
      });
      section.hidden = inSection === 0;
      shown += inSection;
    });
    if (none) none.classList.toggle("d-none", shown > 0);
  });
}

// A question with a condition is shown only when the question it depends on has the given answer.
function answerOf(form, name) {
  const inputs = [...form.querySelectorAll(`[name="${CSS.escape(name)}"]`)];
  if (!inputs.length) return null;
  if (inputs[0].type === "radio") return inputs.find((i) => i.checked)?.value ?? null;
  if (inputs[0].type === "checkbox") return inputs.filter((i) => i.checked).map((i) => i.value);
  return inputs[0].value;
}

function applyConditions(form) {
  const wrappers = [...form.querySelectorAll("[data-condition-field]")];
  const byInput = (name) => form.querySelector(`[name="${CSS.escape(name)}"]`)?.closest(".catalog-field");
  const visible = (wrapper, depth = 0) => {
    if (!wrapper || !wrapper.dataset.conditionField) return true;
    if (depth > 40) return false;
    if (!visible(byInput(wrapper.dataset.conditionField), depth + 1)) return false;
    const answer = answerOf(form, wrapper.dataset.conditionField);
    const wanted = wrapper.dataset.conditionEquals;
    return Array.isArray(answer) ? answer.includes(wanted) : answer === wanted;
  };
  wrappers.forEach((wrapper) => {
    const show = visible(wrapper);
    wrapper.hidden = !show;
    wrapper.querySelectorAll("input, select, textarea").forEach((el) => { el.disabled = !show; });
  });
}

function initConditions() {
  document.querySelectorAll("[data-catalog-form]").forEach((form) => {
    applyConditions(form);
    form.addEventListener("change", () => applyConditions(form));
    form.addEventListener("input", () => applyConditions(form));
  });
}

// One click sends once (the server also recognises a second copy of the same form).
function initOnce() {
  document.querySelectorAll("form").forEach((form) => {
    const button = form.querySelector("[data-once]");
    if (!button) return;
    form.addEventListener("submit", () => {
      window.setTimeout(() => { button.disabled = true; button.classList.add("disabled"); }, 0);
    });
  });
}

// The request page reloads itself when the request's state changes.
function initRequestPolling() {
  const page = document.querySelector("[data-catalog-request]");
  if (!page || !["submitted", "in_progress", "awaiting_approval"].includes(page.dataset.state)) return;
  const started = Date.now();
  const tick = async () => {
    try {
      const response = await fetch(page.dataset.stateUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        if (data.state !== page.dataset.state) { window.location.reload(); return; }
      }
    } catch { /* offline for a moment: try again */ }
    const fast = page.dataset.state !== "awaiting_approval" && Date.now() - started < 90_000;
    window.setTimeout(tick, fast ? 1200 : 10_000);
  };
  window.setTimeout(tick, 800);
}

// ------------------------------------------------------------------ the admin's item builder

const slugify = (text, sep) => text.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, sep)
  .replace(new RegExp(`^${sep}+|${sep}+$`, "g"), "");

function builderTexts() {
  const el = document.querySelector("[data-builder-texts]");
  return { ...el.dataset, typeLabels: JSON.parse(el.dataset.typeLabels || "{}") };
}

function fieldRows(builder) { return [...builder.querySelectorAll("[data-fields] > [data-builder-field]")]; }

function rowInfo(row) {
  const name = row.querySelector("[data-field-name]").value.trim();
  const type = row.querySelector("[data-field-type]").value;
  const ko = row.querySelector("[data-field-label]").value.trim();
  const en = row.querySelector("[data-field-label-en]").value.trim();
  const choices = [...row.querySelectorAll("[data-choice]")].map((c) => {
    const [cko, cen, value] = c.querySelectorAll("input");
    return { value: value.value.trim(), label: cko.value.trim() || cen.value.trim() || value.value.trim() };
  }).filter((c) => c.value);
  return { name, type, label: ko || en || name, choices };
}

function fillSelect(select, options, keep) {
  const current = keep ?? select.value ?? select.dataset.current;
  select.replaceChildren(...options.map(([value, label]) => new Option(label, value, false, value === current)));
  if (!options.some(([value]) => value === current)) select.value = options.length ? options[0][0] : "";
}

function refreshConditions(builder, texts) {
  const rows = fieldRows(builder);
  const infos = rows.map(rowInfo);
  rows.forEach((row, i) => {
    const fieldSelect = row.querySelector("[data-condition-field]");
    const equalsSelect = row.querySelector("[data-condition-equals]");
    const earlier = infos.slice(0, i).filter((f) => f.name && ["yes_no", "choice", "multi_choice"].includes(f.type));
    const chosen = fieldSelect.value || fieldSelect.dataset.current || "";
    fillSelect(fieldSelect, [["", texts.always], ...earlier.map((f) => [f.name, f.label])], chosen);
    fieldSelect.dataset.current = fieldSelect.value;
    const other = earlier.find((f) => f.name === fieldSelect.value);
    const values = !other ? [] : other.type === "yes_no"
      ? [["yes", texts.yes], ["no", texts.no]] : other.choices.map((c) => [c.value, c.label]);
    fillSelect(equalsSelect, values, equalsSelect.value || equalsSelect.dataset.current);
    equalsSelect.dataset.current = equalsSelect.value;
    equalsSelect.disabled = !other;
    row.querySelector("[data-field-number]").textContent = String(i + 1);
  });
  builder.querySelectorAll("[data-answer-field]").forEach((select) => {
    const keep = select.value || select.dataset.current || "";
    fillSelect(select, [["", texts.none], ...infos.filter((f) => f.name).map((f) => [f.name, f.label])], keep);
    select.dataset.current = select.value;
  });
  const list = builder.querySelector("[data-placeholder-list]");
  if (list) list.textContent = infos.filter((f) => f.name).map((f) => `{${f.name}}`).join("  ");
  builder.querySelector("[data-no-fields]").hidden = rows.length > 0;
}

function applyType(row, texts) {
  const type = row.querySelector("[data-field-type]").value;
  row.querySelectorAll("[data-for-types]").forEach((el) => { el.hidden = !el.dataset.forTypes.split(" ").includes(type); });
  row.querySelector("[data-field-type-badge]").textContent = texts.typeLabels[type] || type;
}

function autoName(row) {
  const input = row.querySelector("[data-field-name]");
  if (input.dataset.touched) return;
  const en = slugify(row.querySelector("[data-field-label-en]").value, "_").slice(0, 40);
  input.value = en && /^[a-z]/.test(en) ? en : (input.value || `field_${Math.random().toString(36).slice(2, 6)}`);
  row.querySelector("[data-field-name-preview]").textContent = input.value;
}

function addChoice(row) {
  const box = row.querySelector("[data-choices]");
  const last = box.querySelector("[data-choice]:last-of-type");
  const copy = last.cloneNode(true);
  copy.querySelectorAll("input").forEach((i) => { i.value = ""; delete i.dataset.touched; i.classList.remove("is-invalid"); });
  box.append(copy);
  copy.querySelector("input").focus();
}

function renumber(builder) {
  fieldRows(builder).forEach((row, i) => {
    row.querySelectorAll("[data-choice]").forEach((choice, j) => {
      choice.querySelectorAll("[name]").forEach((el) => { el.name = el.name.replace(/-choices-[^-]+-/, `-choices-${j}-`); });
    });
    row.querySelectorAll("[name^='fields-']").forEach((el) => { el.name = el.name.replace(/^fields-[^-]+-/, `fields-${i}-`); });
  });
}

let newRows = 0;

function addField(builder, type, texts) {
  const template = document.getElementById("builder-field-template");
  const key = `n${(newRows += 1)}`;
  const html = template.innerHTML.replaceAll("__i__", key);
  const holder = document.createElement("div");
  holder.innerHTML = html.trim();
  const row = holder.firstElementChild;
  row.querySelector("[data-field-type]").value = type;
  row.querySelector("[data-field-title]").textContent = texts.newField;
  builder.querySelector("[data-fields]").append(row);
  applyType(row, texts);
  autoName(row);
  refreshConditions(builder, texts);
  row.querySelector("[data-field-label]").focus();
  row.scrollIntoView({ block: "center", behavior: "smooth" });
}

function onBuilderClick(builder, texts, event) {
  const target = event.target.closest("button");
  if (!target) return;
  const row = target.closest("[data-builder-field]");
  if (target.dataset.addField) addField(builder, target.dataset.addField, texts);
  else if (target.dataset.move && row) {
    const sibling = target.dataset.move === "up" ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling) return;
    if (target.dataset.move === "up") sibling.before(row); else sibling.after(row);
    row.classList.remove("moved"); void row.offsetWidth; row.classList.add("moved");
    target.focus();
  } else if (target.hasAttribute("data-remove-field") && row) {
    if (rowInfo(row).label && !window.confirm(texts.confirmRemove)) return;
    row.remove();
  } else if (target.hasAttribute("data-add-choice") && row) addChoice(row);
  else if (target.hasAttribute("data-remove-choice") && row) {
    const choice = target.closest("[data-choice]");
    if (row.querySelectorAll("[data-choice]").length > 1) choice.remove();
    else choice.querySelectorAll("input").forEach((i) => { i.value = ""; });
  } else return;
  refreshConditions(builder, texts);
}

function onBuilderInput(builder, texts, event) {
  const el = event.target;
  const row = el.closest("[data-builder-field]");
  if (el.matches("[data-slug-source]")) {
    const slug = builder.querySelector("[data-slug]");
    if (!slug.dataset.touched) slug.value = slugify(el.value, "-").slice(0, 80);
  } else if (el.matches("[data-slug]")) el.dataset.touched = "1";
  if (!row) return;
  if (el.matches("[data-field-label], [data-field-label-en]")) {
    const info = rowInfo(row);
    row.querySelector("[data-field-title]").textContent = info.label || texts.newField;
    if (el.matches("[data-field-label-en]")) autoName(row);
  } else if (el.matches("[data-field-name]")) {
    el.dataset.touched = "1";
    row.querySelector("[data-field-name-preview]").textContent = el.value;
  } else if (el.closest("[data-choice]")) {
    const [, cen, value] = el.closest("[data-choice]").querySelectorAll("input");
    if (el === value) value.dataset.touched = "1";
    else if (!value.dataset.touched) value.value = slugify(cen.value || el.value, "_").slice(0, 40) || value.value;
  }
}

function applySections(builder) {
  const fulfilment = builder.querySelector("[data-fulfilment]:checked")?.value;
  builder.querySelectorAll("[data-show-fulfilment]").forEach((el) => { el.hidden = !el.dataset.showFulfilment.split(" ").includes(fulfilment); });
  builder.querySelectorAll("[data-hide-fulfilment]").forEach((el) => { el.hidden = el.dataset.hideFulfilment === fulfilment; });
  const action = builder.querySelector("[data-action-select]").value;
  builder.querySelectorAll("[data-action-config]").forEach((el) => {
    const on = el.dataset.actionConfig === action && fulfilment !== "manual";
    el.hidden = !on; el.disabled = !on;
  });
  const audience = builder.querySelector("[data-audience]:checked")?.value;
  builder.querySelectorAll("[data-show-audience]").forEach((el) => { el.hidden = el.dataset.showAudience !== audience; });
}

function initBuilder() {
  const builder = document.querySelector("[data-builder]");
  if (!builder) return;
  builder.classList.add("builder-js");
  const texts = builderTexts();
  fieldRows(builder).forEach((row) => applyType(row, texts));
  applySections(builder);
  refreshConditions(builder, texts);
  builder.addEventListener("click", (event) => onBuilderClick(builder, texts, event));
  builder.addEventListener("input", (event) => onBuilderInput(builder, texts, event));
  builder.addEventListener("change", (event) => {
    const row = event.target.closest("[data-builder-field]");
    if (row && event.target.matches("[data-field-type]")) applyType(row, texts);
    if (event.target.matches("[data-condition-field], [data-condition-equals], [data-answer-field]")) {
      event.target.dataset.current = event.target.value;
    }
    applySections(builder);
    refreshConditions(builder, texts);
  });
  builder.addEventListener("submit", () => renumber(builder));
}

initFilter();
initConditions();
initOnce();
initRequestPolling();
initBuilder();
