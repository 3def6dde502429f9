// The Availability rules page: Outlook's "show as" → availability, private
// meetings, free/busy only and newcomers, saved with what changed from what.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { N_, label, t } from "../i18n.js";
import { debounced, el, showErrors, toast, whileBusy } from "../ui.js";
import { errorText, inWords } from "./hr-texts.js";

const form = document.getElementById("rules-form");
const mappingBody = document.getElementById("mapping");
const saved = document.getElementById("saved");
const SHOW_AS = {
  FREE: N_("Free"),
  TENTATIVE: N_("Tentative"),
  BUSY: N_("Busy"),
  OOF: N_("Away (out of office)"),
  WORKING_ELSEWHERE: N_("Working elsewhere"),
  UNKNOWN: N_("Unknown"),
};
const AVAILABILITY = {
  AVAILABLE: N_("Available"),
  TENTATIVE: N_("Tentative"),
  BUSY: N_("Busy"),
  OUT_OF_OFFICE: N_("Out of office"),
  WORKING_ELSEWHERE: N_("Working elsewhere"),
};
const SWITCHES = {
  includeFree: N_("Count meetings shown as free"),
  privateMeetingsCount: N_("Private meetings count"),
  privateMeetingDetails: N_("Keep private meetings' title and location"),
  freeBusyOnly: N_("Free/busy only"),
  newcomersFollowCalendar: N_("Newcomers follow their calendar"),
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
        Object.entries(AVAILABILITY).map(([value, word]) => el("option", { value, selected: value === m.availability }, t(word))),
      );
      return el("tr", {}, el("th", { scope: "row" }, el("label", { for: id }, label(SHOW_AS, m.showAs))), el("td", {}, select));
    }),
  );
  for (const name of Object.keys(SWITCHES)) form.elements[name].checked = settings[name];
}

function wanted() {
  const input = { mapping: [...mappingBody.querySelectorAll("select")].map((s) => ({ showAs: s.dataset.showAs, availability: s.value })) };
  for (const name of Object.keys(SWITCHES)) input[name] = form.elements[name].checked;
  return input;
}

function change(what, before, after) {
  return t("{what}: {before} → {after}", { what, before, after });
}

function differences(before, after) {
  const lines = [];
  const old = Object.fromEntries(before.mapping.map((m) => [m.showAs, m.availability]));
  for (const m of after.mapping) {
    if (old[m.showAs] !== m.availability) lines.push(change(label(SHOW_AS, m.showAs), label(AVAILABILITY, old[m.showAs]), label(AVAILABILITY, m.availability)));
  }
  const word = (on) => (on ? t("on") : t("off"));
  for (const [name, words] of Object.entries(SWITCHES)) {
    if (before[name] !== after[name]) lines.push(change(t(words), word(before[name]), word(after[name])));
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
        el("h2", {}, lines.length ? t("Saved") : t("Saved: nothing changed")),
        lines.length ? el("ul", { class: "rule-changes" }, lines.map((line) => el("li", {}, line))) : "",
        after.freeBusyOnly && !before.freeBusyOnly ? el("p", {}, t("Every title and location kept so far was deleted.")) : "",
      );
      toast(t("Availability rules saved."));
    } catch (error) {
      showErrors(form, inWords(error));
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

start().catch((error) => saved.replaceChildren(el("p", { class: "form-error", role: "alert" }, t("Could not load the rules: {reason}", { reason: errorText(error) }))));
