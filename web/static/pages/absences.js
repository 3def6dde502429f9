// The Absences page: the tenant's absences with filters, each one's state with
// Outlook in plain words and what to do; register, edit, approve, reject,
// delete, retry; and a CSV import checked row by row before anything is saved.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { N_, formatNumber, label, plural, t } from "../i18n.js";
import { clearErrors, dateInZone, debounced, el, formatDate, formatDateTime, formatTime, instantInZone, replaceKeepingFocus, showErrors, toast, whileBusy } from "../ui.js";
import { COLUMNS, checkRows, parseCsv } from "./absences-csv.js";
import { TARGET_IN_SENTENCE, around, errorItemText, errorText, inWords, kindWords } from "./hr-texts.js";

const PAGE = 100;
const MAX_PAGE = 200;
const IMPORT_CHUNK = 1000;
const APPROVAL_WORDS = { PENDING: N_("Awaiting approval"), APPROVED: N_("Approved"), REJECTED: N_("Rejected") };

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

function targetOf(kind) {
  return targets.get(kind) || "OUT_OF_OFFICE";
}

function personName(absence) {
  return absence.person ? absence.person.displayName : t("Someone no longer in the directory");
}

// --- when ------------------------------------------------------------------

function lastDay(absence) {
  return new Date(Date.parse(absence.end) - 86400000).toISOString().slice(0, 10);
}

// An all-day absence's date (YYYY-MM-DD): the same date in every zone.
function formatDay(date) {
  return formatDate(`${date}T00:00:00Z`);
}

function when(absence) {
  if (absence.allDay) {
    const first = absence.start.slice(0, 10);
    const last = lastDay(absence);
    return first === last ? t("{day}, all day", { day: formatDay(first) }) : t("{first} – {last}, all day", { first: formatDay(first), last: formatDay(last) });
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
  return el("a", { href: url.pathname + url.search }, t("Tenants page"));
}

// Microsoft's own words (English), for whoever needs them: a secondary line.
function details(absence) {
  if (!absence.lastError) return "";
  const text = absence.syncCode ? t("{message} (code {code})", { message: absence.lastError, code: absence.syncCode }) : absence.lastError;
  return el("details", { class: "small" }, el("summary", {}, t("Details")), text);
}

// HELD: the tenant's credentials were refused (the code: Entra ID's AADSTS number).
const HELD_WORDS = {
  7000222: N_("The tenant's client secret has expired, so nothing is written to Outlook. Renew the client secret in Entra ID and save it on the {link}; held absences then sync by themselves."),
  65001: N_("The app has no admin consent in this tenant, so nothing is written to Outlook. Grant admin consent in Entra ID, then test the connection on the {link}; held absences then sync by themselves."),
};
HELD_WORDS.SECRET_EXPIRED = HELD_WORDS[7000222];
HELD_WORDS.CONSENT_MISSING = HELD_WORDS[65001];
const HELD_DEFAULT = N_("Microsoft 365 refused this tenant's credentials, so nothing is written to Outlook. Renew the client secret in Entra ID and save it on the {link}; held absences then sync by themselves.");

// FAILED: why, and the fix, by Graph's error code (or the adapter's error class).
const FAILURES = [
  {
    codes: ["ErrorAccessDenied", "MailboxAccessDeniedError", "AccessDenied"],
    why: N_("The person's mailbox is outside the app's application access policy in Exchange Online."),
    fix: N_("Add the mailbox to the policy's group in Exchange Online (changes can take an hour), then press Retry."),
  },
  {
    codes: ["ErrorInvalidUser", "Request_ResourceNotFound", "MailboxNotEnabledForRESTAPI", "MailboxNotSupportedForRESTAPI", "MailboxNotFoundError"],
    why: N_("The person has no Exchange Online mailbox Transom can write to (unlicensed, inactive or on-premises)."),
    fix: N_("License the person's mailbox in Microsoft 365, or keep their absences out of Outlook in the absence policy, then press Retry."),
  },
  {
    codes: ["ErrorItemNotFound", "GraphNotFoundError"],
    why: N_("The event was no longer in the person's calendar."),
    fix: N_("Press Retry: Transom writes the absence again."),
  },
  {
    codes: ["ErrorQuotaExceeded"],
    why: N_("The person's mailbox is full."),
    fix: N_("Free up space in the mailbox, then press Retry."),
  },
  {
    codes: ["GraphThrottledError", "TooManyRequests", "ApplicationThrottled", "ErrorServerBusy"],
    why: N_("Microsoft 365 is limiting how fast this app may write."),
    fix: N_("Wait a few minutes, then press Retry."),
  },
  {
    codes: ["GraphTransientError", "ServiceNotAvailable", "GeneralException", "ErrorInternalServerError", "TimeoutError"],
    why: N_("Microsoft 365 did not answer in time."),
    fix: N_("Press Retry in a moment."),
  },
];

function failureOf(code) {
  const folded = (code || "").toLowerCase();
  return FAILURES.find((f) => f.codes.some((c) => c.toLowerCase() === folded)) || null;
}

function failedDetail(absence) {
  const known = failureOf(absence.syncCode);
  // An unknown code: Transom's own hint (in English) is still the best fix.
  const fix = known
    ? t(known.fix)
    : absence.syncHint
      ? t("{hint} Then press Retry.", { hint: absence.syncHint })
      : t("Press Retry; if it fails again, the details say what Microsoft 365 answered.");
  return [
    known ? t(known.why) : t("Microsoft 365 refused the write."),
    el("div", { class: "fix-hint" }, el("strong", {}, t("To fix:")), " ", fix),
    details(absence),
  ];
}

function stateOf(absence) {
  const kind = kindWords(absence.kind);
  switch (absence.syncState) {
    case "SYNCED":
      return {
        tone: "ok",
        word: t("In Outlook"),
        detail: t("Shown as {target} in {name}'s calendar.", { target: label(TARGET_IN_SENTENCE, targetOf(absence.kind)), name: personName(absence) }),
      };
    case "PENDING":
      return { tone: "idle", word: t("Being written to Outlook"), detail: t("Moments from now it is in Outlook as it is here.") };
    case "HELD":
      return {
        tone: "warn",
        word: t("Held"),
        detail: [...around(t(HELD_WORDS[absence.syncCode] || HELD_DEFAULT), "link", tenantsLink()), details(absence)],
      };
    case "FAILED":
      return { tone: "bad", word: t("Failed"), detail: failedDetail(absence) };
    default:
      if (absence.approval === "PENDING") return { tone: "idle", word: t("Not in Outlook"), detail: t("It goes to Outlook once approved.") };
      if (absence.approval === "REJECTED") return { tone: "idle", word: t("Not in Outlook"), detail: t("Rejected absences stay out of Outlook.") };
      if (targetOf(absence.kind) === "NEVER") {
        return { tone: "idle", word: t("Not in Outlook"), detail: t("The tenant's absence policy keeps “{kind}” absences out of Outlook.", { kind }) };
      }
      return { tone: "idle", word: t("Not in Outlook"), detail: t("Nothing of it is in Outlook.") };
  }
}

// --- the list --------------------------------------------------------------

// "Vacation of Ada Ahmed", and with its dates.
function ofPerson(absence, person = personName(absence)) {
  return t("{kind} of {person}", { kind: kindWords(absence.kind), person });
}

function describe(absence) {
  return t("{kind} of {person}, {when}", { kind: kindWords(absence.kind), person: personName(absence), when: when(absence) });
}

function actionButtons(absence) {
  const name = describe(absence);
  const buttons = [];
  if (absence.approval !== "APPROVED") {
    const done = t("Approved: {absence}.", { absence: ofPerson(absence) });
    buttons.push(el("button", { type: "button", "aria-label": t("Approve {absence}", { absence: name }), onclick: (e) => decide(e, absence, "ApproveAbsence", done) }, t("Approve")));
  }
  if (absence.approval !== "REJECTED") {
    const done = t("Rejected: {absence}.", { absence: ofPerson(absence) });
    buttons.push(el("button", { type: "button", "aria-label": t("Reject {absence}", { absence: name }), onclick: (e) => decide(e, absence, "RejectAbsence", done) }, t("Reject")));
  }
  if (absence.retryableWriteId) {
    buttons.push(el("button", { type: "button", "aria-label": t("Retry {absence}", { absence: name }), onclick: (e) => retry(e, absence) }, t("Retry")));
  }
  buttons.push(el("button", { type: "button", "aria-haspopup": "dialog", "aria-label": t("Edit {absence}", { absence: name }), onclick: (e) => openEditor(e.currentTarget, absence) }, t("Edit")));
  buttons.push(el("button", { type: "button", class: "danger", "aria-haspopup": "dialog", "aria-label": t("Delete {absence}", { absence: name }), onclick: (e) => askDelete(e.currentTarget, absence) }, t("Delete…")));
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
    el("td", {}, label(APPROVAL_WORDS, absence.approval)),
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

function countText(count, more, filtered) {
  if (more && filtered) return plural(count, "{count}+ absence match the filters.", "{count}+ absences match the filters.");
  if (more) return plural(count, "{count}+ absence.", "{count}+ absences.");
  if (filtered) return plural(count, "{count} absence matches the filters.", "{count} absences match the filters.");
  return plural(count, "{count} absence.", "{count} absences.");
}

let loads = 0;

async function load() {
  const mine = ++loads;
  const wanted = filterValues();
  if (wanted.from && wanted.until && wanted.until <= wanted.from) {
    summary.replaceChildren(el("span", { class: "form-error", role: "alert" }, t("“Until” must not be before “From”.")));
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
  summary.textContent = absences.length ? countText(absences.length, more, filtered) : "";
  if (!absences.length) {
    list.replaceChildren(el("p", { class: "empty" }, filtered ? t("No absence matches the filters.") : t("No absences yet. Register one, or import a CSV file.")));
    return;
  }
  const columns = [t("Person"), t("Kind"), t("When"), t("Decision"), "Outlook", t("External id"), t("Actions")];
  const head = el("tr", {}, columns.map((h, index) => el("th", { scope: "col", class: index === 5 ? "optional" : null }, h)));
  const table = el("table", {}, el("caption", { class: "visually-hidden" }, t("Absences of {tenant}", { tenant: tenant.name })), el("thead", {}, head), el("tbody", {}, absences.map(row)));
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
      toast(done);
    } catch (error) {
      toast(errorText(error));
    }
  });
  await load();
}

async function retry(event, absence) {
  await whileBusy(event.currentTarget, async () => {
    try {
      await request("RetryOutboxItem", { id: absence.retryableWriteId });
      toast(t("Trying again to write {name}'s absence to Outlook.", { name: personName(absence) }));
    } catch (error) {
      toast(errorText(error));
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
  const sentences = [
    `${describe(absence)}.`,
    inOutlook(absence)
      ? t("Its event is removed from {name}'s Outlook calendar moments later, and automatic replies set for it are put back as they were.", { name: personName(absence) })
      : t("Nothing of it is in Outlook, so nothing changes there."),
    absence.externalId ? t("Importing a file with its external id “{id}” again would register it anew.", { id: absence.externalId }) : "",
  ];
  document.getElementById("delete-what").textContent = sentences.filter(Boolean).join(" ");
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
      toast(t("Deleted: {absence}.", { absence: ofPerson(absence) }));
    } catch (error) {
      toast(errorText(error));
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
  form.querySelector('label[for="absence-start-date"]').textContent = allDay ? t("First day") : t("Start date");
  form.querySelector('label[for="absence-end-date"]').textContent = allDay ? t("Last day") : t("End date");
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
  document.getElementById("absence-editor-title").textContent = absence ? t("Edit the absence of {name}", { name: personName(absence) }) : t("Register an absence");
  document.getElementById("save-absence").textContent = absence ? t("Save") : t("Register");
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
  if (!startDate.value) throw fieldError("start", t("Give the first day."));
  if (!endDate.value) throw fieldError("end", t("Give the last day."));
  if (allDay.checked) {
    if (endDate.value < startDate.value) throw fieldError("end", t("The last day is before the first day."));
    const after = new Date(Date.parse(`${endDate.value}T00:00:00Z`) + 86400000).toISOString();
    return { start: `${startDate.value}T00:00:00Z`, end: after, allDay: true };
  }
  if (!startTime.value || !endTime.value) throw fieldError("end", t("Give both times, or tick All day."));
  const start = wallInstant(startDate.value, startTime.value);
  const end = wallInstant(endDate.value, endTime.value);
  if (end <= start) throw fieldError("end", t("The end is not after the start."));
  return { start: start.toISOString(), end: end.toISOString(), allDay: false };
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const email = form.elements.personEmail.value.trim();
  try {
    if (!email) throw fieldError("personEmail", t("Give the person's email address."));
    const span = spanFromForm();
    const common = { personEmail: email, kind: form.elements.kind.value, ...span, note: form.elements.note.value.trim() || null };
    await whileBusy(document.getElementById("save-absence"), async () => {
      if (editing) {
        await request("UpdateAbsence", { id: editing.id, input: common });
        toast(t("Saved: {absence}.", { absence: ofPerson(common, editing.person ? editing.person.displayName : email) }));
      } else {
        const input = { ...common, approved: form.elements.approved.checked, externalId: form.elements.externalId.value.trim() || null };
        await request("RegisterAbsence", { tenantId: tenant.id, input });
        toast(t("Registered: {absence}.", { absence: ofPerson(common, email) }));
      }
    });
    editor.close();
    await load();
  } catch (error) {
    showErrors(form, inWords(error, absenceProblem({ personEmail: email, externalId: form.elements.externalId.value.trim() })));
  }
});

// The server's refusal of one absence (register, edit, import row) in words,
// by its code and field; `values` is the absence as sent.
function absenceProblem(values) {
  return (code, field) => {
    if (code === "CONFLICT" && values.externalId) {
      return t("An absence with the external id “{id}” exists already: change it here, or import the file with it again.", { id: values.externalId });
    }
    if (code !== "BAD_USER_INPUT") return null;
    const words = {
      personEmail: () => t("Unknown person: nobody in the directory has the address {address} (primary or alias). Import the directory on the People page first.", { address: values.personEmail }),
      kind: () => t("A kind is a name of letters, digits and underscores, such as VACATION (at most 64 characters)."),
      start: () => t("Give the start with a UTC offset."),
      end: () => t("The end must be after the start, and an absence lasts at most 366 days."),
      note: () => t("A note has at most 2,000 characters."),
      externalId: () => t("The external id has 1 to 200 characters."),
      absences: () => t("Import at most 1,000 absences at a time."),
    }[field];
    return words ? words() : null;
  };
}

// --- CSV import -------------------------------------------------------------------

// A row's problems as a sentence; a column name (approved, external_id)
// stays as the file spells it.
function sentence(text) {
  const first = text.split(/[\s“]/, 1)[0];
  return COLUMNS.includes(first) ? `${text}.` : `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function problemTable(caption, items) {
  const head = el("tr", {}, el("th", { scope: "col" }, t("Row")), el("th", { scope: "col" }, t("Problem")));
  const body = items.map((item) => el("tr", { "data-row": item.row }, el("td", {}, String(item.row)), el("td", {}, item.message)));
  return el("div", { class: "table-wrap" }, el("table", { class: "csv-problems" }, el("caption", {}, caption), el("thead", {}, head), el("tbody", {}, body)));
}

function previewTable(good) {
  const first = good.slice(0, 20);
  const head = el("tr", {}, [t("Row"), t("Person"), t("Kind"), t("When"), t("Approved"), t("External id")].map((h) => el("th", { scope: "col" }, h)));
  const body = first.map(({ row, input, person }) =>
    el(
      "tr",
      {},
      el("td", {}, String(row)),
      el("td", {}, person.displayName),
      el("td", {}, kindWords(input.kind)),
      el("td", {}, when({ ...input, person })),
      el("td", {}, input.approved ? t("Yes") : t("No")),
      el("td", {}, input.externalId),
    ),
  );
  const caption =
    good.length > first.length ? t("Ready to import (the first {shown} of {count})", { shown: formatNumber(first.length), count: formatNumber(good.length) }) : t("Ready to import");
  return el("div", { class: "table-wrap" }, el("table", { class: "csv-ready" }, el("caption", {}, caption), el("thead", {}, head), el("tbody", {}, body)));
}

function showChecked(fileName) {
  const good = checked.rows.filter((r) => !r.problems.length);
  const bad = checked.rows.filter((r) => r.problems.length);
  const values = { file: fileName, good: formatNumber(good.length), bad: formatNumber(bad.length) };
  const total = checked.rows.length;
  const counts = bad.length
    ? plural(total, "{file}: {count} row, {good} ready to import, {bad} with problems (they will not be imported).", "{file}: {count} rows, {good} ready to import, {bad} with problems (they will not be imported).", values)
    : plural(total, "{file}: {count} row, {good} ready to import, {bad} with problems.", "{file}: {count} rows, {good} ready to import, {bad} with problems.", values);
  const parts = [el("p", { class: "csv-summary" }, counts)];
  if (bad.length) parts.push(problemTable(t("Rows with problems"), bad.map((r) => ({ row: r.row, message: sentence(r.problems.join("; ")) }))));
  if (good.length) parts.push(previewTable(good));
  preview.replaceChildren(...parts);
  importButton.hidden = !good.length;
  importButton.textContent = plural(good.length, "Import {count} absence", "Import {count} absences");
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
  return Number.isInteger(index) && chunk[index] ? chunk[index] : null;
}

// A userError of importAbsences in words (by its code and field).
function importProblem(error, checkedRow) {
  const path = error.field || [];
  const item = { message: error.message, extensions: { code: error.code, field: path[path.length - 1] } };
  return errorItemText(item, absenceProblem(checkedRow ? checkedRow.input : {}));
}

async function importChunk(chunk, totals) {
  const absences = chunk.map((r) => r.input);
  const data = await request("ImportAbsences", { tenantId: tenant.id, absences }, { keepUserErrors: true });
  const answer = data.importAbsences;
  if (answer.created === null) {
    // refused as a whole (e.g. a reader's session): say why
    throw new Error(answer.userErrors.map((e) => importProblem(e, null)).join(" "));
  }
  totals.created += answer.created || 0;
  totals.updated += answer.updated || 0;
  totals.unchanged += answer.unchanged || 0;
  for (const error of answer.userErrors) {
    const found = rowOfError(error, chunk);
    totals.refused.push({ row: found ? found.row : null, message: importProblem(error, found) });
  }
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
        importButton.textContent = t("Importing {done} of {count}…", { done: formatNumber(Math.min(at + IMPORT_CHUNK, good.length)), count: formatNumber(good.length) });
        await importChunk(good.slice(at, at + IMPORT_CHUNK), totals);
      }
    } catch (error) {
      totals.failure = error.errors ? errorText(error) : error.message;
    }
  });
  importButton.hidden = true;
  showImported(totals, skipped);
  await load();
});

function showImported(totals, skipped) {
  const saved = totals.created + totals.updated + totals.unchanged;
  const parts = [];
  if (totals.failure) parts.push(el("p", { class: "form-error", role: "alert" }, t("The import stopped: {reason}", { reason: totals.failure })));
  if (saved && totals.created + totals.updated === 0) {
    parts.push(el("p", { class: "import-outcome" }, plural(saved, "Nothing changed: the absence was already as in the file.", "Nothing changed: all {count} absences were already as in the file.")));
  } else if (saved) {
    const counts = { created: formatNumber(totals.created), updated: formatNumber(totals.updated), unchanged: formatNumber(totals.unchanged) };
    parts.push(
      el(
        "p",
        { class: "import-outcome" },
        plural(saved, "Imported {count} absence: {created} new, {updated} changed, {unchanged} already as in the file.", "Imported {count} absences: {created} new, {updated} changed, {unchanged} already as in the file.", counts),
      ),
    );
  }
  if (skipped) parts.push(el("p", {}, plural(skipped, "{count} row was not imported because of the problems listed above.", "{count} rows were not imported because of the problems listed above.")));
  if (totals.refused.length) {
    parts.push(problemTable(t("Rows Transom refused"), totals.refused.map((r) => ({ row: r.row ?? "?", message: r.message }))));
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
  kindFilter.replaceChildren(el("option", { value: "" }, t("Any kind")), ...[...targets.keys()].map((k) => el("option", { value: k, selected: k === chosen }, kindWords(k))));
}

async function start() {
  tenant = await chosenTenant();
  if (!tenant) {
    list.replaceChildren(el("p", { class: "empty" }, t("Connect a tenant first.")));
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
  list.replaceChildren(el("p", { class: "form-error", role: "alert" }, t("Could not load absences: {reason}", { reason: errorText(error) })));
});
