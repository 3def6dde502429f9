// Small shared pieces of the admin pages: elements, forms, status words.

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function toast(message) {
  const box = document.getElementById("toast");
  box.textContent = message;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.textContent = ""), 6000);
}

// Clear a form's error messages and aria-invalid marks.
export function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((node) => node.remove());
  form.querySelectorAll("[aria-invalid]").forEach((node) => {
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-errormessage");
  });
  const summary = form.querySelector(".form-error");
  if (summary) summary.remove();
}

// Show GraphQL errors beside the input named by extensions.field (its
// data-field attribute, else its name); the rest above the submit button.
export function showErrors(form, error) {
  clearErrors(form);
  const errors = error && error.errors ? error.errors : [{ message: String(error.message || error) }];
  const general = [];
  let first = null;
  for (const item of errors) {
    const field = item.extensions && item.extensions.field;
    const input = field && form.querySelector(`[data-field="${field}"], [name="${field}"]`);
    if (!input) {
      general.push(item.message);
      continue;
    }
    const id = `${input.id}-error`;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-errormessage", id);
    input.closest(".field").append(el("p", { class: "field-error", id, text: item.message }));
    first = first || input;
  }
  if (general.length) {
    const summary = el("p", { class: "form-error", role: "alert", text: general.join(" ") });
    form.querySelector(".actions").before(summary);
  }
  if (first) first.focus();
}

export function formatDateTime(iso, zone) {
  if (!iso) return "";
  return new Intl.DateTimeFormat("en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: zone || undefined,
  }).format(new Date(iso));
}

export function formatDate(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "long" }).format(new Date(iso));
}

export function formatTime(iso, zone) {
  return new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    timeZone: zone || undefined,
  }).format(new Date(iso));
}

// A <button> that shows it is busy while `work` runs.
export async function whileBusy(button, work) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}
