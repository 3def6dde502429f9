// The Settings page: one tenant's display and booking settings.
import { request } from "../graphql.js";
import { chosenTenant, viewerRole, watchTenant } from "../tenant.js";
import { plural, t } from "../i18n.js";
import { clearErrors, formatDateTime, showErrors, whileBusy } from "../ui.js";

const form = document.getElementById("settings-form");
const saved = document.getElementById("settings-saved");
const BOOLEANS = ["showSubject", "showOrganizer", "allowResourceBookingDeclination", "checkInRequired"];
const CHOICES = ["privateMeetingHandling", "displayLanguage"];
const effect = document.getElementById("check-in-effect");
let tenant = null;
let stored = null; // the settings as saved
let dirty = false; // the admin changed something not saved yet

form.addEventListener("input", () => (dirty = true));

function fill(settings) {
  stored = settings;
  BOOLEANS.forEach((name) => (form.elements[name].checked = settings[name]));
  CHOICES.forEach((name) => (form.elements[name].value = settings[name]));
  form.elements.noShowReleaseMinutes.value = settings.noShowReleaseMinutes;
  form.elements.noShowReleaseMinutes.disabled = !settings.checkInRequired;
  form.removeAttribute("aria-busy");
  describeCheckIn();
  if (viewerRole() === "READER") {
    readOnly();
    return;
  }
  form.querySelector("button[type=submit]").disabled = false;
  form.querySelectorAll("fieldset").forEach((fieldset) => (fieldset.disabled = false));
}

// Readers see the settings but cannot change them (the API refuses too).
function readOnly() {
  if (document.getElementById("read-only-note")) return;
  const note = document.createElement("p");
  note.id = "read-only-note";
  note.className = "muted";
  note.textContent = t("You are a reader: you can see these settings but not change them.");
  form.prepend(note);
}

// What the no-show rule will do once saved, in words, before saving.
function describeCheckIn() {
  const required = form.elements.checkInRequired.checked;
  const minutes = Number(form.elements.noShowReleaseMinutes.value) || stored?.noShowReleaseMinutes;
  const wasRequired = Boolean(stored?.checkInRequired);
  if (!required) {
    effect.textContent = wasRequired
      ? t("When you save: no meeting is released any more.")
      : t("No meeting is released: check-in is not required.");
    return;
  }
  const rule = plural(
    minutes,
    "A meeting nobody checks in to within {count} minute of its start is released: the room declines it in Exchange (the organizer is told) and the display turns free. Meetings booked at the door are never released, and each release is listed in the Sync log.",
    "A meeting nobody checks in to within {count} minutes of its start is released: the room declines it in Exchange (the organizer is told) and the display turns free. Meetings booked at the door are never released, and each release is listed in the Sync log.",
  );
  if (!wasRequired) {
    effect.textContent = `${t("When you save, from then on:")} ${rule} ${t("Meetings already running are left alone.")}`;
    return;
  }
  const since = stored.checkInRequiredSince;
  const state = since
    ? t("Check-in is required (required since {when}).", { when: formatDateTime(since, tenant?.timeZone) })
    : t("Check-in is required.");
  effect.textContent = `${state} ${rule} ${t("Meetings that began before it became required are left alone.")}`;
}

form.elements.checkInRequired.addEventListener("change", () => {
  form.elements.noShowReleaseMinutes.disabled = !form.elements.checkInRequired.checked;
  describeCheckIn();
});
form.elements.noShowReleaseMinutes.addEventListener("input", describeCheckIn);

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  saved.textContent = "";
  const input = {};
  BOOLEANS.forEach((name) => (input[name] = form.elements[name].checked));
  CHOICES.forEach((name) => (input[name] = form.elements[name].value));
  const minutes = form.elements.noShowReleaseMinutes.value;
  if (form.elements.checkInRequired.checked) input.noShowReleaseMinutes = minutes === "" ? null : Number(minutes);
  await whileBusy(form.querySelector("button[type=submit]"), async () => {
    try {
      const { updateTenantSettings } = await request("UpdateTenantSettings", { tenantId: tenant.id, input });
      fill(updateTenantSettings.settings);
      dirty = false;
      saved.textContent = t("Saved for {tenant}.", { tenant: tenant.name });
    } catch (error) {
      showErrors(form, error, explain);
    }
  });
});

// The page's own words for the server's refusals it knows.
function explain(item) {
  const { code, field } = item.extensions || {};
  if (code === "BAD_USER_INPUT" && field === "noShowReleaseMinutes") return t("Release a no-show room after 5 to 60 minutes.");
  return null;
}

let loads = 0;

async function load() {
  const mine = ++loads;
  const data = await request("TenantSettings", { tenantId: tenant.id });
  if (mine !== loads || dirty) return; // newer answer coming, or the admin is editing
  fill(data.tenant.settings);
}

async function start() {
  tenant = await chosenTenant();
  if (!tenant) return;
  await load();
  // Another admin saved: show their values, unless this admin is editing.
  watchTenant(tenant, () => {
    if (!dirty) load().catch(console.error);
  });
}

start().catch((error) => showErrors(form, error, explain));
