// Small shared pieces of the admin pages: elements, forms, status words.
import { N_, locale, t } from "./i18n.js";

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
    const id = node.getAttribute("aria-errormessage");
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-errormessage");
    describedBy(node, id, false);
  });
  const summary = form.querySelector(".form-error");
  if (summary) summary.remove();
}

// Words for the error codes any page can meet; the server's own message for
// them is English (or, for Microsoft 365's refusals, Graph's raw text).
const CODE_WORDS = {
  FORBIDDEN: N_("You are not allowed to do this."),
  UNAUTHENTICATED: N_("Your session has ended: sign in again."),
  RATE_LIMITED: N_("Too many requests: wait a moment and try again."),
  INTERNAL_SERVER_ERROR: N_("Something went wrong in Transom. Try again; if it keeps happening, tell your Transom operator."),
};

// What the admin reads for one error (an item of GraphQLErrors.errors): the
// page's own words for it (`explain(item)`, chosen by code and field), else
// words for its code, else the server's message. Microsoft 365's own text is
// only ever a "Details" line.
export function errorText(item, explain) {
  const own = explain ? explain(item) : null;
  if (own) return own;
  const code = item.extensions && item.extensions.code;
  if (code === "GRAPH_ERROR") return t("Microsoft 365 refused or failed. Details: {details}", { details: item.message });
  if (CODE_WORDS[code]) return t(CODE_WORDS[code]);
  return item.message;
}

// A page's own words for errors (an `explain` for errorText and showErrors):
// BAD_USER_INPUT by the field it is about, other refusals by their code; the
// tables hold N_-marked English texts.
export function pageWords({ codes = {}, fields = {} } = {}) {
  return (item) => {
    const { code, field } = item.extensions || {};
    if (code === "BAD_USER_INPUT" && fields[field]) return t(fields[field]);
    return codes[code] ? t(codes[code]) : null;
  };
}

// The errors of a failed request: GraphQLErrors' items, or one item for a
// failure before any answer (the network, say).
export function errorItems(error) {
  if (error && error.errors) return error.errors;
  if (error instanceof TypeError) return [{ message: t("Transom could not be reached. Check the network and try again.") }];
  return [{ message: String((error && error.message) || error) }];
}

// The whole of a failed request in words, for a toast or an alert.
export function errorMessage(error, explain) {
  return errorItems(error).map((item) => errorText(item, explain)).join(" ");
}

// Show GraphQL errors beside the input named by extensions.field (its
// data-field attribute, else its name); the rest above the submit button.
// `explain(item)`: the page's own words for an error, or null (see errorText).
export function showErrors(form, error, explain) {
  clearErrors(form);
  const errors = errorItems(error);
  const general = [];
  let first = null;
  for (const item of errors) {
    const message = errorText(item, explain);
    const field = item.extensions && item.extensions.field;
    const input = field && form.querySelector(`[data-field="${field}"], [name="${field}"]`);
    if (!input) {
      general.push(message);
      continue;
    }
    const id = `${input.id}-error`;
    const box = input.closest(".field") || input.parentElement;
    const existing = box.querySelector(`#${CSS.escape(id)}`);
    if (existing) {
      existing.textContent += ` ${message}`;
      continue;
    }
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-errormessage", id);
    describedBy(input, id, true);
    box.append(el("p", { class: "field-error", id, text: message }));
    first = first || input;
  }
  if (general.length) {
    const summary = el("p", { class: "form-error", role: "alert", text: general.join(" ") });
    form.querySelector(".actions").before(summary);
  }
  if (first) first.focus();
}

// Add or remove one id in an element's aria-describedby (screen readers read
// aria-describedby reliably; aria-errormessage less so).
function describedBy(node, id, add) {
  if (!id) return;
  const ids = (node.getAttribute("aria-describedby") || "").split(/\s+/).filter((x) => x && x !== id);
  if (add) ids.push(id);
  if (ids.length) node.setAttribute("aria-describedby", ids.join(" "));
  else node.removeAttribute("aria-describedby");
}

// Dates and times in the admin's language; `zone` is the tenant's time zone
// (every page shows the tenant's wall clock, whatever the browser's zone).
export function formatDateTime(iso, zone) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: zone || undefined,
  }).format(new Date(iso));
}

// A calendar date (stored as midnight UTC, e.g. a secret's expiry date).
export function formatDate(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso));
}

// --- dates in a tenant's time zone, whatever the browser's zone ------------

function zoneParts(instant, zone) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

// Today's date in `zone` as YYYY-MM-DD (what <input type=date> holds).
export function dateInZone(instant, zone) {
  const p = zoneParts(instant, zone);
  const pad = (n) => String(n).padStart(2, "0");
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

// The instant when the wall clock in `zone` shows `hour`:00 on `date`
// (YYYY-MM-DD); hour 24 is the next midnight. Daylight saving is respected.
export function instantInZone(date, hour, zone) {
  const [year, month, day] = date.split("-").map(Number);
  const wall = Date.UTC(year, month - 1, day, hour);
  const offset = (at) => {
    const p = zoneParts(new Date(at), zone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at / 1000) * 1000;
  };
  let guess = wall - offset(wall);
  const corrected = wall - offset(guess);
  if (corrected !== guess) guess = corrected;
  return new Date(guess);
}

export function formatDay(date, zone) {
  return new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long", timeZone: zone }).format(instantInZone(date, 12, zone));
}

export function formatTime(iso, zone) {
  return new Intl.DateTimeFormat(locale, {
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

// Replace a container's content without losing the keyboard focus: a live
// update must not throw a keyboard user back to the top of the page. The
// element focused inside is found again by its id, or by its row's data-key
// and its accessible name.
export function replaceKeepingFocus(container, ...children) {
  const active = document.activeElement;
  let again = null;
  if (active && active !== document.body && container.contains(active)) {
    const id = active.id;
    const row = active.closest("[data-key]");
    const name = accessibleName(active);
    again = () => {
      if (id) return document.getElementById(id);
      if (!row) return null;
      const fresh = container.querySelector(`[data-key="${CSS.escape(row.dataset.key)}"]`);
      return fresh ? [...fresh.querySelectorAll(active.tagName)].find((node) => accessibleName(node) === name) : null;
    };
  }
  container.replaceChildren(...children);
  const target = again ? again() : null;
  if (target) target.focus();
}

function accessibleName(node) {
  return node.getAttribute("aria-label") || node.textContent.trim();
}

// Run `work` once, `ms` after the last of a burst of calls (live events come in
// bursts; one reload answers them all).
export function debounced(work, ms = 150) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => work().catch(console.error), ms);
  };
}
