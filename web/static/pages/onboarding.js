// Adding a tenant (superadmin), in four steps on the Tenants page:
// 1 name and features (createTenant / setTenantFeatures), 2 the Entra ID steps
// for those features (Tenant.entraSetup), 3 the app's ids and a secret or a
// certificate (connectTenant), 4 every permission tried with a real Graph call
// (testTenantPermissions); Finish closes the flow.
import { request } from "../graphql.js";
import { explainInput, explanation, statusBadge } from "../connection.js";
import { N_, label, t } from "../i18n.js";
import { FEATURE_NAMES, featureNames, permissionResults } from "../permissions.js";
import { clearErrors, el, errorMessage, showErrors, toast, whileBusy } from "../ui.js";

const HEALTHY = ["CONNECTED", "SECRET_EXPIRING"];

// Why each permission is needed, as the server says it (transom.domain.onboarding):
// the English text is the message id. A reason added on the server later
// shows as it is sent.
const REASONS = {
  "read the organization (always)": N_("read the organization (always)"),
  "import the room mailboxes (Places)": N_("import the room mailboxes (Places)"),
  "find a room's mailbox when linking it": N_("find a room's mailbox when linking it"),
  "check a linked mailbox is a room, its time zone": N_("check a linked mailbox is a room, its time zone"),
  "read and book the rooms' calendars": N_("read and book the rooms' calendars"),
  "the rooms the displays stand at": N_("the rooms the displays stand at"),
  "the rooms' time zones": N_("the rooms' time zones"),
  "book now, extend, end and release meetings": N_("book now, extend, end and release meetings"),
  "the people directory": N_("the people directory"),
  "write absences into people's calendars": N_("write absences into people's calendars"),
  "set people's automatic replies": N_("set people's automatic replies"),
  "read people's calendars (free/busy)": N_("read people's calendars (free/busy)"),
};

function reasonText(reason) {
  return REASONS[reason] ? label(REASONS, reason) : reason;
}
const section = document.getElementById("add-tenant");
const start = document.getElementById("add-tenant-start");
const forms = { 1: document.getElementById("step-1"), 3: document.getElementById("step-3") };
const steps = [1, 2, 3, 4].map((n) => document.getElementById(`step-${n}`));
let tenant = null; // { id, name, features }
let onDone = () => {};

export function setUpOnboarding(reload) {
  onDone = reload;
  start.hidden = false;
  start.addEventListener("click", open);
  section.querySelectorAll(".cancel-onboarding").forEach((b) => b.addEventListener("click", close));
  forms[1].addEventListener("submit", (event) => {
    event.preventDefault();
    saveStep1(event.submitter || forms[1].querySelector("[type=submit]"));
  });
  document.getElementById("step-2-back").addEventListener("click", () => show(1));
  document.getElementById("step-2-next").addEventListener("click", () => show(3));
  document.getElementById("step-3-back").addEventListener("click", () => show(2));
  forms[3].addEventListener("change", (event) => {
    if (event.target.name === "credential") showCredential();
  });
  forms[3].addEventListener("submit", (event) => {
    event.preventDefault();
    saveStep3(forms[3].querySelector("[type=submit]"));
  });
  document.getElementById("test-again").addEventListener("click", (event) => testPermissions(event.currentTarget));
  document.getElementById("finish-onboarding").addEventListener("click", finish);
}

function open() {
  tenant = null;
  forms[1].reset();
  forms[3].reset();
  forms[1].elements.timeZone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  showCredential();
  section.hidden = false;
  start.hidden = true;
  show(1);
}

function close() {
  section.hidden = true;
  start.hidden = false;
  start.focus();
  if (tenant) onDone();
}

function show(number) {
  steps.forEach((step, index) => (step.hidden = index + 1 !== number));
  section.querySelectorAll(".steps li").forEach((li) => {
    if (Number(li.dataset.step) === number) li.setAttribute("aria-current", "step");
    else li.removeAttribute("aria-current");
  });
  const title = document.getElementById(`step-${number}-title`);
  title.tabIndex = -1;
  title.focus();
}

function chosenFeatures() {
  return [...forms[1].querySelectorAll("input[name=features]:checked")].map((box) => box.value);
}

async function saveStep1(button) {
  const form = forms[1];
  clearErrors(form);
  const features = chosenFeatures();
  const problems = [];
  if (!form.elements.name.value.trim()) problems.push({ message: t("Enter the organisation's name."), extensions: { field: "name" } });
  if (!features.length) problems.push({ message: t("Choose at least one feature."), extensions: { field: "features" } });
  if (problems.length) return showErrors(form, { errors: problems });
  await whileBusy(button, async () => {
    try {
      if (tenant) {
        await request("SetTenantFeatures", { tenantId: tenant.id, features });
      } else {
        const input = { name: form.elements.name.value.trim(), timeZone: form.elements.timeZone.value.trim(), features };
        tenant = (await request("CreateTenant", { input })).createTenant.tenant;
      }
      await showEntraSteps();
      show(2);
    } catch (error) {
      showErrors(form, error, explainInput);
    }
  });
}

async function entraSetup() {
  return (await request("TenantEntraSetup", { id: tenant.id })).tenant;
}

async function showEntraSteps() {
  const found = await entraSetup();
  tenant = found;
  section.querySelectorAll(".tenant-name-here").forEach((node) => (node.textContent = found.name));
  const rows = found.entraSetup.requiredPermissions.map((p) =>
    el("tr", {}, el("th", { scope: "row" }, el("code", {}, p.permission)), el("td", {}, featureNames(p.features)), el("td", {}, p.reasons.map(reasonText).join("; "))),
  );
  document.querySelector("#required-permissions tbody").replaceChildren(...rows);
  document.getElementById("access-policy").textContent = found.entraSetup.accessPolicyPowerShell;
}

function showCredential() {
  const certificate = forms[3].elements.credential.value === "certificate";
  forms[3].querySelector(".secret-fields").hidden = certificate;
  forms[3].querySelector(".certificate-fields").hidden = !certificate;
}

async function credentialInput(form) {
  if (form.elements.credential.value === "certificate") {
    const file = form.elements.certificate.files[0];
    if (!file) throw { errors: [{ message: t("Choose the PEM file (key and certificate)."), extensions: { field: "certificatePem" } }] };
    return { certificatePem: await file.text() };
  }
  const expiry = form.elements.secretExpiresAt.value;
  if (!form.elements.clientSecret.value) throw { errors: [{ message: t("Paste the client secret's Value."), extensions: { field: "clientSecret" } }] };
  return { clientSecret: form.elements.clientSecret.value, secretExpiresAt: expiry ? `${expiry}T00:00:00Z` : null };
}

async function saveStep3(button) {
  const form = forms[3];
  clearErrors(form);
  const result = form.querySelector(".connection-result");
  result.replaceChildren();
  const problems = [];
  if (!form.elements.directoryId.value.trim()) problems.push({ message: t("Enter the Directory (tenant) ID."), extensions: { field: "directoryId" } });
  if (!form.elements.clientId.value.trim()) problems.push({ message: t("Enter the Application (client) ID."), extensions: { field: "clientId" } });
  if (problems.length) return showErrors(form, { errors: problems });
  await whileBusy(button, async () => {
    try {
      const credential = await credentialInput(form);
      const input = { tenantId: tenant.id, directoryId: form.elements.directoryId.value.trim(), clientId: form.elements.clientId.value.trim(), ...credential };
      const tested = (await request("ConnectTenant", { input })).connectTenant.connectionTest;
      form.elements.clientSecret.value = "";
      if (!HEALTHY.includes(tested.status)) {
        result.replaceChildren(el("p", {}, t("Status:"), " ", statusBadge(tested.status)), ...explanation(tested, tenant.timeZone));
        return;
      }
      document.querySelector("#step-4 .connection-summary").replaceChildren(el("p", {}, t("Status:"), " ", statusBadge(tested.status)), ...explanation(tested, tenant.timeZone));
      show(4);
      await testPermissions(document.getElementById("test-again"));
    } catch (error) {
      showErrors(form, error, explainInput);
    }
  });
}

async function testPermissions(button) {
  const box = document.getElementById("permission-results");
  box.setAttribute("aria-busy", "true");
  box.replaceChildren(el("p", { class: "muted" }, t("Trying each permission with Microsoft Graph…")));
  await whileBusy(button, async () => {
    try {
      const result = (await request("TestTenantPermissions", { tenantId: tenant.id })).testTenantPermissions;
      const setup = await entraSetup();
      box.replaceChildren(...permissionResults(result, setup.entraSetup.adminConsentUrl, "onboarding"));
    } catch (error) {
      box.replaceChildren(el("p", { class: "form-error", role: "alert" }, errorMessage(error)));
    } finally {
      box.setAttribute("aria-busy", "false");
    }
  });
}

function finish() {
  toast(tenant ? t("{tenant} is connected. Import its rooms on the Rooms page.", { tenant: tenant.name }) : t("The tenant is connected. Import its rooms on the Rooms page."));
  close();
}

export { FEATURE_NAMES };
