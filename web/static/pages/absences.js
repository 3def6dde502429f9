// The Absences page: the tenant's absences with filters, each one's state with
// Outlook in plain words and what to do; register, edit, approve, reject,
// delete, retry; and a CSV import checked row by row before anything is saved.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { clearErrors, dateInZone, debounced, el, formatDateTime, formatTime, instantInZone, replaceKeepingFocus, showErrors, toast, whileBusy } from "../ui.js";
import { checkRows, parseCsv } from "./absences-csv.js";

const PAGE = 100;
const MAX_PAGE = 200;
const IMPORT_CHUNK = 1000;
const KIND_WORDS = {
  VACATION: "Vacation",
  OTHER_VACATION: "Other vacation",
  SICK: "Sick",
  CHILD_SICK: "Child sick",
  TIME_OFF_IN_LIEU: "Time off in lieu",
  OTHER_LEAVE: "Other leave",
  WORKING_FROM_HOME: "Working from home",
  TRAVEL: "Travel",
  COURSE: "Course",
  EXTERNAL_ACTIVITY: "External activity",
  DRIVING: "Driving",
  OVERTIME: "Overtime",
  TIME_REGISTRATION: "Time registration",
  FLEX_TIME: "Flex time",
  PUBLIC_HOLIDAY: "Public holiday",
};
const TARGET_WORDS = { OUT_OF_OFFICE: "out of office", WORKING_ELSEWHERE: "working elsewhere", NEVER: "never in Outlook" };
const APPROVAL_WORDS = { PENDING: "Awaiting approval", APPROVED: "Approved", REJECTED: "Rejected" };

const list = document.getElementById("absences");
const summary = document.getElementById("absences-summary");
const filters = document.getElementById("filters");
const showMore = document.getElementById("show-more");
const editor = document.getElementById("absence-editor");
const form = document.getElementById("absence-form");
const deleteDialog = document.getElementById("delete-confirm");
const importForm = document.getElementById("import-form");
const fileInput = document.getElementById("csv-file");
const preview = document.getElementById("csv-preview");
const importButton = document.getElementById("import-rows");
const importResult = document.getElementById("import-result");

let tenant = null;
let targets = new Map(); // kind -> OUT_OF_OFFICE | WORKING_ELSEWHERE | NEVER
let directory = new Map(); // lower-case address -> person
let shown = PAGE;
let editing = null; // the absence being edited; null: registering
let opener = null;
let deleting = null;
let checked = null; // the CSV rows as checked

export function kindWords(kind) {
  if (KIND_WORDS[kind]) return KIND_WORDS[kind];
  const words = kind.replace(/_/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function targetOf(kind) {
  return targets.get(kind) || "OUT_OF_OFFICE";
}

function personName(absence) {
  return absence.person ? absence.person.displayName : "Someone no longer in the directory";
}

// --- when ------------------------------------------------------------------

function lastDay(absence) {
  return new Date(Date.parse(absence.end) - 86400000).toISOString().slice(0, 10);
}

function formatDay(date) {
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`));
}

function when(absence) {
  if (absence.allDay) {
    const first = absence.start.slice(0, 10);
    const last = lastDay(absence);
    return first === last ? `${formatDay(first)}, all day` : `${formatDay(first)} – ${formatDay(last)}, all day`;
  }
  const zone = tenant.timeZone;
  const sameDay = dateInZone(new Date(absence.start), zone) === dateInZone(new Date(absence.end), zone);
  const end = sameDay ? formatTime(absence.end, zone) : formatDateTime(absence.end, zone);
  return `${formatDateTime(absence.start, zone)} – ${end}`;
}

// --- the state with Outlook, in words, with what to do ---------------------

function tenantsLink() {
  const url = new URL("/admin/", location.origin);
  url.search = location.search;
  return el("a", { href: url.pathname + url.search }, "Tenants page");
}

function stateOf(absence) {
  const kind = kindWords(absence.kind);
  switch (absence.syncState) {
    case "SYNCED":
      return { tone: "ok", word: "In Outlook", detail: `Shown as ${TARGET_WORDS[targetOf(absence.kind)]} in ${personName(absence)}'s calendar.` };
    case "PENDING":
      return { tone: "idle", word: "Being written to Outlook", detail: "Moments from now it is in Outlook as it is here." };
    case "HELD":
      return {
        tone: "warn",
        word: "Held",
        detail: [
          "Microsoft 365 refused this tenant's credentials, so nothing is written to Outlook. Renew the client secret in Entra ID and save it on the ",
          tenantsLink(),
          "; held absences then sync by themselves.",
          absence.lastError ? el("details", { class: "small" }, el("summary", {}, "Microsoft's answer"), absence.lastError) : "",
        ],
      };
    case "FAILED":
      return {
        tone: "bad",
        word: "Failed",
        detail: [
          absence.lastError || "Microsoft 365 refused the write.",
          absence.syncCode ? ` (${absence.syncCode})` : "",
          absence.syncHint ? el("div", { class: "fix-hint" }, el("strong", {}, "To fix: "), absence.syncHint, " Then press Retry.") : "",
        ],
      };
    default:
      if (absence.approval === "PENDING") return { tone: "idle", word: "Not in Outlook", detail: "It goes to Outlook once approved." };
      if (absence.approval === "REJECTED") return { tone: "idle", word: "Not in Outlook", detail: "Rejected absences stay out of Outlook." };
      if (targetOf(absence.kind) === "NEVER") {
        return { tone: "idle", word: "Not in Outlook", detail: `The tenant's absence policy keeps “${kind}” absences out of Outlook.` };
      }
      return { tone: "idle", word: "Not in Outlook", detail: "Nothing of it is in Outlook." };
  }
}

// --- the list --------------------------------------------------------------

function actionButtons(absence) {
  const name = `${kindWords(absence.kind)} of ${personName(absence)}, ${when(absence)}`;
  const buttons = [];
  if (absence.approval !== "APPROVED") {
    buttons.push(el("button", { type: "button", "aria-label": `Approve ${name}`, onclick: (e) => decide(e, absence, "ApproveAbsence", "Approved") }, "Approve"));
  }
  if (absence.approval !== "REJECTED") {
    buttons.push(el("button", { type: "button", "aria-label": `Reject ${name}`, onclick: (e) => decide(e, absence, "RejectAbsence", "Rejected") }, "Reject"));
  }
  if (absence.retryableWriteId) {
    buttons.push(el("button", { type: "button", "aria-label": `Retry ${name}`, onclick: (e) => retry(e, absence) }, "Retry"));
  }
  buttons.push(el("button", { type: "button", "aria-haspopup": "dialog", "aria-label": `Edit ${name}`, onclick: (e) => openEditor(e.currentTarget, absence) }, "Edit"));
  buttons.push(el("button", { type: "button", class: "danger", "aria-haspopup": "dialog", "aria-label": `Delete ${name}`, onclick: (e) => askDelete(e.currentTarget, absence) }, "Delete…"));
  return buttons;
}

function row(absence) {
  const state = stateOf(absence);
  const person = absence.person;
  return el(
    "tr",
    { "data-key": absence.id, "data-absence-id": absence.id, "data-sync-state": absence.syncState },
    el("td", {}, person ? [el("div", {}, person.displayName), el("div", { class: "muted small" }, person.email)] : personName(absence)),
    el("td", {}, kindWords(absence.kind)),
    el("td", {}, when(absence), absence.note ? el("div", { class: "muted small" }, absence.note) : ""),
    el("td", {}, APPROVAL_WORDS[absence.approval] || ""),
    el("td", { class: "absence-state" }, el("span", { class: `status status-${state.tone}` }, state.word), el("div", { class: "small state-detail" }, state.detail)),
    el("td", { class: "optional small" }, absence.externalId || ""),
    el("td", {}, el("div", { class: "actions" }, actionButtons(absence))),
  );
}

function filterValues() {
  const values = { search: filters.elements.search.value.trim() || null, kind: filters.elements.kind.value || null, syncState: filters.elements.syncState.value || null };
  const from = filters.elements.from.value;
  const until = filters.elements.until.value;
  values.from = from ? instantInZone(from, 0, tenant.timeZone).toISOString() : null;
  values.until = until ? instantInZone(until, 24, tenant.timeZone).toISOString() : null;
  return values;
}

async function fetchAbsences(wanted) {
  const found = [];
  let after = null;
  let more = true;
  while (more && found.length < shown) {
    const first = Math.min(MAX_PAGE, shown - found.length);
    const data = await request("AbsencesOfTenant", { tenantId: tenant.id, first, after, ...wanted });
    found.push(...data.absences.nodes);
    more = data.absences.pageInfo.hasNextPage;
    after = data.absences.pageInfo.endCursor;
  }
  return { absences: found, more };
}

let loads = 0;

async function load() {
  const mine = ++loads;
  const wanted = filterValues();
  if (wanted.from && wanted.until && wanted.until <= wanted.from) {
    summary.replaceChildren(el("span", { class: "form-error", role: "alert" }, "“Until” must not be before “From”."));
    return;
  }
  list.setAttribute("aria-busy", "true");
  let found;
  try {
    found = await fetchAbsences(wanted);
  } finally {
    if (mine === loads) list.setAttribute("aria-busy", "false");
  }
  if (mine !== loads) return; // a newer load answers for it
  const { absences, more } = found;
  showMore.hidden = !more;
  const filtered = Object.values(wanted).some((v) => v);
  summary.textContent = absences.length ? `${absences.length}${more ? "+" : ""} absence${absences.length === 1 ? "" : "s"}${filtered ? " match the filters" : ""}.` : "";
  if (!absences.length) {
    list.replaceChildren(el("p", { class: "empty" }, filtered ? "No absence matches the filters." : "No absences yet. Register one, or import a CSV file."));
    return;
  }
  const head = el("tr", {}, ["Person", "Kind", "When", "Decision", "Outlook", "External id", "Actions"].map((h) => el("th", { scope: "col", class: h === "External id" ? "optional" : null }, h)));
  const table = el("table", {}, el("caption", { class: "visually-hidden" }, `Absences of ${tenant.name}`), el("thead", {}, head), el("tbody", {}, absences.map(row)));
  replaceKeepingFocus(list, el("div", { class: "table-wrap" }, table));
}

const reloadSoon = debounced(() => load());

filters.addEventListener("input", () => {
  shown = PAGE;
  reloadSoon();
});
filters.addEventListener("submit", (event) => event.preventDefault());
showMore.addEventListener("click", async () => {
  shown += PAGE;
  await whileBusy(showMore, load);
});

// --- approve, reject, retry, delete ------------------------------------------

async function decide(event, absence, operation, done) {
  await whileBusy(event.currentTarget, async () => {
    try {
      await request(operation, { id: absence.id });
      toast(`${done}: ${kindWords(absence.kind)} of ${personName(absence)}.`);
    } catch (error) {
      toast(error.message);
    }
  });
  await load();
}

async function retry(event, absence) {
  await whileBusy(event.currentTarget, async () => {
    try {
      await request("RetryOutboxItem", { id: absence.retryableWriteId });
      toast(`Trying again to write ${personName(absence)}'s absence to Outlook.`);
    } catch (error) {
      toast(error.message);
    }
  });
  await load();
}

function inOutlook(absence) {
  return ["SYNCED", "PENDING", "HELD", "FAILED"].includes(absence.syncState);
}

function askDelete(button, absence) {
  deleting = absence;
  opener = button;
  const what = `${kindWords(absence.kind)} of ${personName(absence)}, ${when(absence)}.`;
  const outlook = inOutlook(absence)
    ? ` Its event is removed from ${personName(absence)}'s Outlook calendar moments later, and automatic replies set for it are put back as they were.`
    : " Nothing of it is in Outlook, so nothing changes there.";
  const again = absence.externalId ? ` Importing a file with its external id “${absence.externalId}” again would register it anew.` : "";
  document.getElementById("delete-what").textContent = what + outlook + again;
  deleteDialog.showModal();
}

deleteDialog.addEventListener("close", () => {
  if (opener && document.contains(opener)) opener.focus();
});
document.getElementById("delete-no").addEventListener("click", () => deleteDialog.close());
document.getElementById("delete-yes").addEventListener("click", async (event) => {
  const absence = deleting;
  await whileBusy(event.currentTarget, async () => {
    try {
      await request("DeleteAbsence", { id: absence.id });
      toast(`Deleted: ${kindWords(absence.kind)} of ${personName(absence)}.`);
    } catch (error) {
      toast(error.message);
    }
  });
  opener = null;
  deleteDialog.close();
  await load();
});

// --- register and edit ---------------------------------------------------------

function showTimes() {
  const allDay = form.elements.allDay.checked;
  form.querySelectorAll(".timed").forEach((node) => (node.hidden = allDay));
  form.querySelector('label[for="absence-start-date"]').textContent = allDay ? "First day" : "Start date";
  form.querySelector('label[for="absence-end-date"]').textContent = allDay ? "Last day" : "End date";
}
form.elements.allDay.addEventListener("change", showTimes);

function fillKinds(select, current) {
  const kinds = [...targets.keys()];
  if (current && !targets.has(current)) kinds.push(current);
  select.replaceChildren(...kinds.map((k) => el("option", { value: k, selected: k === current }, kindWords(k))));
}

function openEditor(button, absence) {
  editing = absence;
  opener = button;
  clearErrors(form);
  form.reset();
  fillKinds(form.elements.kind, absence ? absence.kind : "VACATION");
  form.querySelectorAll(".register-only").forEach((node) => (node.hidden = Boolean(absence)));
  document.getElementById("absence-editor-title").textContent = absence ? `Edit the absence of ${personName(absence)}` : "Register an absence";
  document.getElementById("save-absence").textContent = absence ? "Save" : "Register";
  if (absence) {
    const zone = tenant.timeZone;
    form.elements.personEmail.value = absence.person ? absence.person.email : "";
    form.elements.allDay.checked = absence.allDay;
    form.elements.note.value = absence.note || "";
    if (absence.allDay) {
      form.elements.startDate.value = absence.start.slice(0, 10);
      form.elements.endDate.value = lastDay(absence);
    } else {
      form.elements.startDate.value = dateInZone(new Date(absence.start), zone);
      form.elements.endDate.value = dateInZone(new Date(absence.end), zone);
      form.elements.startTime.value = formatTime(absence.start, zone);
      form.elements.endTime.value = formatTime(absence.end, zone);
    }
  } else {
    const today = dateInZone(new Date(), tenant.timeZone);
    form.elements.startDate.value = today;
    form.elements.endDate.value = today;
    form.elements.startTime.value = "08:00";
    form.elements.endTime.value = "16:00";
  }
  showTimes();
  editor.showModal();
  form.elements.personEmail.focus();
}

editor.addEventListener("close", () => {
  if (opener && document.contains(opener)) opener.focus();
});
document.getElementById("close-editor").addEventListener("click", () => editor.close());
document.getElementById("register-absence").addEventListener("click", (event) => openEditor(event.currentTarget, null));

function fieldError(field, message) {
  return { errors: [{ message, extensions: { field } }] };
}

function wallInstant(date, time) {
  const [hour, minute] = time.split(":").map(Number);
  return new Date(instantInZone(date, hour, tenant.timeZone).getTime() + minute * 60000);
}

// The span from the form, as the API takes it; throws a field error.
function spanFromForm() {
  const { startDate, endDate, startTime, endTime, allDay } = form.elements;
  if (!startDate.value) throw fieldError("start", "Give the first day.");
  if (!endDate.value) throw fieldError("end", "Give the last day.");
  if (allDay.checked) {
    if (endDate.value < startDate.value) throw fieldError("end", "The last day is before the first day.");
    const after = new Date(Date.parse(`${endDate.value}T00:00:00Z`) + 86400000).toISOString();
    return { start: `${startDate.value}T00:00:00Z`, end: after, allDay: true };
  }
  if (!startTime.value || !endTime.value) throw fieldError("end", "Give both times, or tick All day.");
  const start = wallInstant(startDate.value, startTime.value);
  const end = wallInstant(endDate.value, endTime.value);
  if (end <= start) throw fieldError("end", "The end is not after the start.");
  return { start: start.toISOString(), end: end.toISOString(), allDay: false };
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const email = form.elements.personEmail.value.trim();
  try {
    if (!email) throw fieldError("personEmail", "Give the person's email address.");
    const span = spanFromForm();
    const common = { personEmail: email, kind: form.elements.kind.value, ...span, note: form.elements.note.value.trim() || null };
    await whileBusy(document.getElementById("save-absence"), async () => {
      if (editing) {
        await request("UpdateAbsence", { id: editing.id, input: common });
        toast(`Saved: ${kindWords(common.kind)} of ${editing.person ? editing.person.displayName : email}.`);
      } else {
        const input = { ...common, approved: form.elements.approved.checked, externalId: form.elements.externalId.value.trim() || null };
        await request("RegisterAbsence", { tenantId: tenant.id, input });
        toast(`Registered: ${kindWords(common.kind)} of ${email}.`);
      }
    });
    editor.close();
    await load();
  } catch (error) {
    showErrors(form, error);
  }
});

// --- CSV import -------------------------------------------------------------------

function sentence(text) {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function problemTable(caption, items) {
  const head = el("tr", {}, el("th", { scope: "col" }, "Row"), el("th", { scope: "col" }, "Problem"));
  const body = items.map((item) => el("tr", { "data-row": item.row }, el("td", {}, String(item.row)), el("td", {}, item.message)));
  return el("div", { class: "table-wrap" }, el("table", { class: "csv-problems" }, el("caption", {}, caption), el("thead", {}, head), el("tbody", {}, body)));
}

function previewTable(good) {
  const first = good.slice(0, 20);
  const head = el("tr", {}, ["Row", "Person", "Kind", "When", "Approved", "External id"].map((h) => el("th", { scope: "col" }, h)));
  const body = first.map(({ row, input, person }) =>
    el(
      "tr",
      {},
      el("td", {}, String(row)),
      el("td", {}, person.displayName),
      el("td", {}, kindWords(input.kind)),
      el("td", {}, when({ ...input, person })),
      el("td", {}, input.approved ? "Yes" : "No"),
      el("td", {}, input.externalId),
    ),
  );
  const caption = good.length > first.length ? `Ready to import (the first ${first.length} of ${good.length})` : "Ready to import";
  return el("div", { class: "table-wrap" }, el("table", { class: "csv-ready" }, el("caption", {}, caption), el("thead", {}, head), el("tbody", {}, body)));
}

function showChecked(fileName) {
  const good = checked.rows.filter((r) => !r.problems.length);
  const bad = checked.rows.filter((r) => r.problems.length);
  const parts = [el("p", { class: "csv-summary" }, `${fileName}: ${checked.rows.length} row${checked.rows.length === 1 ? "" : "s"}, ${good.length} ready to import, ${bad.length} with problems${bad.length ? " (they will not be imported)" : ""}.`)];
  if (bad.length) parts.push(problemTable("Rows with problems", bad.map((r) => ({ row: r.row, message: sentence(r.problems.join("; ")) }))));
  if (good.length) parts.push(previewTable(good));
  preview.replaceChildren(...parts);
  importButton.hidden = !good.length;
  importButton.textContent = `Import ${good.length} absence${good.length === 1 ? "" : "s"}`;
}

fileInput.addEventListener("change", async () => {
  importResult.replaceChildren();
  importButton.hidden = true;
  checked = null;
  const file = fileInput.files[0];
  if (!file) {
    preview.replaceChildren();
    return;
  }
  const text = await file.text();
  await loadDirectory(); // people imported since the page opened count too
  const result = checkRows(parseCsv(text), { directory, kinds: new Set(targets.keys()), zone: tenant.timeZone });
  if (result.problem) {
    preview.replaceChildren(el("p", { class: "form-error", role: "alert" }, `${file.name}: ${result.problem}`));
    return;
  }
  checked = result;
  showChecked(file.name);
});

// The row a server userError is about: field ["absences", "<index>", ...].
function rowOfError(error, chunk) {
  const path = error.field || [];
  const index = path[0] === "absences" ? Number(path[1]) : NaN;
  return Number.isInteger(index) && chunk[index] ? chunk[index].row : null;
}

async function importChunk(chunk, totals) {
  const absences = chunk.map((r) => r.input);
  const data = await request("ImportAbsences", { tenantId: tenant.id, absences }, { keepUserErrors: true });
  const answer = data.importAbsences;
  if (answer.created === null) {
    // refused as a whole (e.g. a reader's session): say why
    throw new Error(answer.userErrors.map((e) => e.message).join(" "));
  }
  totals.created += answer.created || 0;
  totals.updated += answer.updated || 0;
  totals.unchanged += answer.unchanged || 0;
  for (const error of answer.userErrors) totals.refused.push({ row: rowOfError(error, chunk), message: error.message });
}

importForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!checked) return;
  const good = checked.rows.filter((r) => !r.problems.length);
  const skipped = checked.rows.length - good.length;
  const totals = { created: 0, updated: 0, unchanged: 0, refused: [] };
  await whileBusy(importButton, async () => {
    try {
      for (let at = 0; at < good.length; at += IMPORT_CHUNK) {
        importButton.textContent = `Importing ${Math.min(at + IMPORT_CHUNK, good.length)} of ${good.length}…`;
        await importChunk(good.slice(at, at + IMPORT_CHUNK), totals);
      }
    } catch (error) {
      totals.failure = error.message;
    }
  });
  importButton.hidden = true;
  showImported(totals, skipped);
  await load();
});

function showImported(totals, skipped) {
  const saved = totals.created + totals.updated + totals.unchanged;
  const parts = [];
  if (totals.failure) parts.push(el("p", { class: "form-error", role: "alert" }, `The import stopped: ${totals.failure}`));
  if (saved && totals.created + totals.updated === 0) {
    parts.push(el("p", { class: "import-outcome" }, `Nothing changed: all ${saved} absences were already as in the file.`));
  } else if (saved) {
    parts.push(el("p", { class: "import-outcome" }, `Imported ${saved} absence${saved === 1 ? "" : "s"}: ${totals.created} new, ${totals.updated} changed, ${totals.unchanged} already as in the file.`));
  }
  if (skipped) parts.push(el("p", {}, `${skipped} row${skipped === 1 ? " was" : "s were"} not imported because of the problems listed above.`));
  if (totals.refused.length) {
    parts.push(problemTable("Rows Transom refused", totals.refused.map((r) => ({ row: r.row ?? "?", message: r.message }))));
  }
  importResult.replaceChildren(...parts);
}

// --- start ----------------------------------------------------------------------------

async function loadDirectory() {
  const found = new Map();
  const people = [];
  let after = null;
  let policy = null;
  do {
    const data = await request("AbsencePeople", { tenantId: tenant.id, first: MAX_PAGE, after });
    policy = policy || data.absencePolicy;
    for (const person of data.people.nodes) {
      people.push(person);
      found.set(person.email.toLowerCase(), person);
      for (const alias of person.aliases) found.set(alias.toLowerCase(), person);
    }
    after = data.people.pageInfo.hasNextPage ? data.people.pageInfo.endCursor : null;
  } while (after);
  directory = found;
  targets = new Map((policy ? policy.kinds : []).map((k) => [k.kind, k.target]));
  document.getElementById("people-list").replaceChildren(...people.map((p) => el("option", { value: p.email }, p.displayName)));
  const kindFilter = filters.elements.kind;
  const chosen = kindFilter.value;
  kindFilter.replaceChildren(el("option", { value: "" }, "Any kind"), ...[...targets.keys()].map((k) => el("option", { value: k, selected: k === chosen }, kindWords(k))));
}

async function start() {
  tenant = await chosenTenant();
  if (!tenant) {
    list.replaceChildren(el("p", { class: "empty" }, "Connect a tenant first."));
    list.setAttribute("aria-busy", "false");
    return;
  }
  document.getElementById("tenant-zone").textContent = tenant.timeZone;
  await loadDirectory();
  await load();
  document.getElementById("register-absence").disabled = false;
  fileInput.disabled = false;
  watchTenant(tenant, () => {
    reloadSoon();
  });
}

start().catch((error) => {
  list.setAttribute("aria-busy", "false");
  list.replaceChildren(el("p", { class: "form-error", role: "alert" }, `Could not load absences: ${error.message}`));
});
