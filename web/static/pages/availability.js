// The Availability rules page: Outlook's "show as" → availability, private
// meetings, free/busy only and newcomers, saved with what changed from what.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { debounced, el, showErrors, toast, whileBusy } from "../ui.js";

const form = document.getElementById("rules-form");
const mappingBody = document.getElementById("mapping");
const saved = document.getElementById("saved");
const SHOW_AS = {
  FREE: "Free",
  TENTATIVE: "Tentative",
  BUSY: "Busy",
  OOF: "Away (out of office)",
  WORKING_ELSEWHERE: "Working elsewhere",
  UNKNOWN: "Unknown",
};
const AVAILABILITY = {
  AVAILABLE: "Available",
  TENTATIVE: "Tentative",
  BUSY: "Busy",
  OUT_OF_OFFICE: "Out of office",
  WORKING_ELSEWHERE: "Working elsewhere",
};
const SWITCHES = {
  includeFree: "Count meetings shown as free",
  privateMeetingsCount: "Private meetings count",
  privateMeetingDetails: "Keep private meetings' title and location",
  freeBusyOnly: "Free/busy only",
  newcomersFollowCalendar: "Newcomers follow their calendar",
};
let tenant = null;
let current = null;
let editing = false;

function show(settings) {
  current = settings;
  mappingBody.replaceChildren(
    ...settings.mapping.map((m) => {
      const id = `map-${m.showAs}`;
      const select = el(
        "select",
        { id, name: m.showAs, "data-show-as": m.showAs },
        Object.entries(AVAILABILITY).map(([value, word]) => el("option", { value, selected: value === m.availability }, word)),
      );
      return el("tr", {}, el("th", { scope: "row" }, el("label", { for: id }, SHOW_AS[m.showAs] || m.showAs)), el("td", {}, select));
    }),
  );
  for (const name of Object.keys(SWITCHES)) form.elements[name].checked = settings[name];
}

function wanted() {
  const input = { mapping: [...mappingBody.querySelectorAll("select")].map((s) => ({ showAs: s.dataset.showAs, availability: s.value })) };
  for (const name of Object.keys(SWITCHES)) input[name] = form.elements[name].checked;
  return input;
}

function differences(before, after) {
  const lines = [];
  const old = Object.fromEntries(before.mapping.map((m) => [m.showAs, m.availability]));
  for (const m of after.mapping) {
    if (old[m.showAs] !== m.availability) lines.push(`${SHOW_AS[m.showAs]}: ${AVAILABILITY[old[m.showAs]]} → ${AVAILABILITY[m.availability]}`);
  }
  const word = (on) => (on ? "on" : "off");
  for (const [name, label] of Object.entries(SWITCHES)) {
    if (before[name] !== after[name]) lines.push(`${label}: ${word(before[name])} → ${word(after[name])}`);
  }
  return lines;
}

async function load() {
  const data = await request("AvailabilityRules", { tenantId: tenant.id });
  if (editing) return; // another admin's save shows once this one is done
  show(data.availabilitySettings);
}

form.addEventListener("input", () => (editing = true));
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const before = current;
  await whileBusy(form.querySelector("button[type=submit]"), async () => {
    try {
      const after = (await request("SetAvailabilityRules", { tenantId: tenant.id, input: wanted() })).setAvailabilitySettings.settings;
      editing = false;
      show(after);
      const lines = differences(before, after);
      saved.hidden = false;
      saved.replaceChildren(
        el("h2", {}, lines.length ? "Saved" : "Saved: nothing changed"),
        lines.length ? el("ul", { class: "rule-changes" }, lines.map((line) => el("li", {}, line))) : "",
        after.freeBusyOnly && !before.freeBusyOnly ? el("p", {}, "Every title and location kept so far was deleted.") : "",
      );
      toast("Availability rules saved.");
    } catch (error) {
      showErrors(form, error);
    }
  });
});

async function start() {
  tenant = await chosenTenant();
  if (!tenant) return;
  await load();
  form.querySelector("button[type=submit]").disabled = false;
  watchTenant(tenant, debounced(() => load()));
}

start().catch((error) => saved.replaceChildren(el("p", { class: "form-error", role: "alert" }, `Could not load the rules: ${error.message}`)));
