// The Tenants page: connect Microsoft 365, test it, see its status explained.
// The status is live: when the sync engine is refused (an expired secret, say)
// the tenantSync subscription brings the new status without a reload.
import { request } from "../graphql.js";
import { explainInput, explanation, statusBadge, summary } from "../connection.js";
import { formatNumber, plural, t } from "../i18n.js";
import { permissionResults } from "../permissions.js";
import { isSuperadmin, showBanners, watchTenant } from "../tenant.js";
import { clearErrors, debounced, el, errorMessage, formatDate, showErrors, toast, whileBusy } from "../ui.js";
import { setUpOnboarding } from "./onboarding.js";

const list = document.getElementById("tenants");
const template = document.getElementById("tenant-card");
const watched = new Set();
const cards = new Map();
const disconnectDialog = document.getElementById("disconnect-confirm");
let disconnecting = null;

let loads = 0;

async function load() {
  const mine = ++loads;
  const data = await request("TenantsOverview");
  if (mine !== loads) return; // a newer load answers for it (answers can overtake)
  const tenants = data.tenants.nodes;
  const known = tenants.every((t) => cards.has(t.id)) && tenants.length === cards.size;
  if (!known) {
    cards.clear();
    tenants.forEach((t) => cards.set(t.id, card(t)));
    list.replaceChildren(...(tenants.length ? cards.values() : [el("p", { class: "empty" }, t("No tenants yet. A superadmin adds them with “Add a tenant”."))]));
  } else {
    // Keep the forms (and whatever the admin is typing); refresh the status only.
    tenants.forEach((t) => {
      showConnection(cards.get(t.id), t.connection, t.timeZone);
      showCredential(cards.get(t.id), t);
    });
  }
  showBanners(tenants);
  list.removeAttribute("aria-busy");
  tenants.forEach(watch);
}

function card(tenant) {
  const node = template.content.firstElementChild.cloneNode(true);
  const prefix = `tenant-${tenant.id}`;
  node.id = prefix;
  node.dataset.tenantId = tenant.id;
  node.setAttribute("aria-labelledby", `${prefix}-name`);
  const title = node.querySelector(".tenant-name");
  title.id = `${prefix}-name`;
  title.textContent = tenant.name;
  showConnection(node, tenant.connection, tenant.timeZone);
  showCredential(node, tenant);
  const form = node.querySelector(".connect-form");
  form.setAttribute("aria-label", t("Microsoft 365 connection of {tenant}", { tenant: tenant.name }));
  node.querySelectorAll("[data-name]").forEach((input) => {
    input.id = `${prefix}-${input.dataset.name}`;
    const label = node.querySelector(`label[data-for="${input.dataset.name}"]`);
    label.htmlFor = input.id;
    const help = input.closest(".field").querySelector(".help");
    if (help) {
      help.id = `${input.id}-help`;
      input.setAttribute("aria-describedby", help.id);
    }
  });
  setUpCredentials(node, tenant);
  form.elements.directoryId.value = tenant.directoryId || "";
  form.elements.clientId.value = tenant.clientId || "";
  form.elements.secretExpiresAt.value = tenant.secretExpiresAt ? tenant.secretExpiresAt.slice(0, 10) : "";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    connect(node, form, tenant);
  });
  const test = node.querySelector(".test-connection");
  test.addEventListener("click", () => testConnection(node, form, test, tenant));
  const sync = node.querySelector(".sync-now");
  sync.setAttribute("aria-describedby", `${prefix}-sync-help`);
  sync.nextElementSibling.id = `${prefix}-sync-help`;
  sync.addEventListener("click", () => syncNow(sync, tenant));
  return node;
}

function showCredential(node, tenant) {
  const line = node.querySelector(".credential");
  line.textContent = !tenant.clientId ? t("No app saved yet.") : tenant.usesCertificate ? t("The app signs in with a certificate.") : t("The app signs in with a client secret.");
  line.dataset.credential = !tenant.clientId ? "NONE" : tenant.usesCertificate ? "CERTIFICATE" : "SECRET";
  const expiry = node.querySelector(".secret-expiry");
  const shown = Boolean(tenant.clientId && !tenant.usesCertificate && tenant.secretExpiresAt);
  expiry.hidden = !shown;
  expiry.textContent = shown ? t("The client secret expires on {date}.", { date: formatDate(tenant.secretExpiresAt) }) : "";
}

function showConnection(node, connection, zone) {
  const box = node.querySelector(".connection");
  box.replaceChildren(el("p", {}, t("Status:"), " ", statusBadge(connection.status)), el("div", { class: "explanation" }, explanation(connection, zone)));
  node.dataset.status = connection.status;
}

// Client-side checks first, shown beside their fields like the server's.
function missing(form) {
  const errors = [];
  if (!form.elements.directoryId.value.trim()) errors.push({ message: t("Enter the Directory (tenant) ID."), extensions: { field: "directoryId" } });
  if (!form.elements.clientId.value.trim()) errors.push({ message: t("Enter the Application (client) ID."), extensions: { field: "clientId" } });
  return errors;
}

function setUpCredentials(node, tenant) {
  const renew = node.querySelector(".renew-form");
  renew.setAttribute("aria-label", t("Renew the client secret of {tenant}", { tenant: tenant.name }));
  renew.addEventListener("submit", (event) => {
    event.preventDefault();
    renewSecret(node, renew, tenant);
  });
  const certificate = node.querySelector(".certificate-form");
  certificate.setAttribute("aria-label", t("Certificate of {tenant}", { tenant: tenant.name }));
  certificate.addEventListener("submit", (event) => {
    event.preventDefault();
    uploadCertificate(node, certificate, tenant);
  });
  const permissions = node.querySelector(".test-permissions");
  permissions.addEventListener("click", () => testPermissions(node, permissions, tenant));
  if (isSuperadmin()) {
    node.querySelector(".superadmin-only").hidden = false;
    const button = node.querySelector(".disconnect");
    button.setAttribute("aria-label", t("Disconnect {tenant}…", { tenant: tenant.name }));
    button.addEventListener("click", () => askDisconnect(button, tenant));
  }
}

async function renewSecret(node, form, tenant) {
  clearErrors(form);
  const secret = form.elements.renewSecret.value;
  if (!secret) return showErrors(form, { errors: [{ message: t("Paste the new secret's Value."), extensions: { field: "clientSecret" } }] });
  const expiry = form.elements.renewExpires.value;
  await whileBusy(form.querySelector("button[type=submit]"), async () => {
    try {
      const variables = { tenantId: tenant.id, clientSecret: secret, secretExpiresAt: expiry ? `${expiry}T00:00:00Z` : null };
      const tested = (await request("RenewTenantSecret", variables)).renewTenantSecret.connectionTest;
      form.reset();
      showConnection(node, { ...tested, checkedAt: new Date().toISOString() }, tenant.timeZone);
      toast(t("{tenant}: {text}", { tenant: tenant.name, text: summary(tested) }));
      await load();
    } catch (error) {
      showErrors(form, error, explainInput);
    }
  });
}

async function uploadCertificate(node, form, tenant) {
  clearErrors(form);
  const file = form.elements.certificateFile.files[0];
  if (!file) return showErrors(form, { errors: [{ message: t("Choose the PEM file (key and certificate)."), extensions: { field: "certificatePem" } }] });
  await whileBusy(form.querySelector("button[type=submit]"), async () => {
    try {
      const tested = (await request("UploadTenantCertificate", { tenantId: tenant.id, certificatePem: await file.text() })).uploadTenantCertificate.connectionTest;
      form.reset();
      showConnection(node, { ...tested, checkedAt: new Date().toISOString() }, tenant.timeZone);
      toast(t("{tenant}: {text}", { tenant: tenant.name, text: summary(tested) }));
      await load();
    } catch (error) {
      showErrors(form, error, explainInput);
    }
  });
}

async function testPermissions(node, button, tenant) {
  const box = node.querySelector(".permission-results");
  await whileBusy(button, async () => {
    try {
      const result = (await request("TestTenantPermissions", { tenantId: tenant.id })).testTenantPermissions;
      const setup = (await request("TenantEntraSetup", { id: tenant.id })).tenant.entraSetup;
      box.replaceChildren(...permissionResults(result, setup.adminConsentUrl, `tenant-${tenant.id}`));
    } catch (error) {
      box.replaceChildren(el("p", { class: "form-error", role: "alert" }, errorMessage(error)));
    }
  });
}

// The counts in the API's answer to an unconfirmed disconnect ("… deletes in
// Transom 14 room(s) with their mailbox links, 3 booking(s), …"), or null.
function deletedCounts(message) {
  const found = /(\d+) room\(s\).*?(\d+) booking\(s\), (\d+) person\(s\), (\d+) absence\(s\) and (\d+) display\(s\)/.exec(message);
  if (!found) return null;
  const [rooms, bookings, people, absences, displays] = found.slice(1).map((n) => formatNumber(Number(n)));
  return { rooms, bookings, people, absences, displays };
}

// The API answers an unconfirmed disconnect with what it would delete.
async function askDisconnect(button, tenant) {
  disconnecting = { tenant, button };
  document.getElementById("disconnect-title").textContent = t("Disconnect {tenant}?", { tenant: tenant.name });
  const counts = document.getElementById("disconnect-counts");
  counts.textContent = t("the tenant with its rooms and their mailbox links, bookings, people, absences, and door displays with their tokens");
  try {
    await request("DisconnectTenant", { tenantId: tenant.id, confirm: false });
  } catch (error) {
    const preview = error.errors && error.errors.find((e) => e.extensions && e.extensions.code === "BAD_USER_INPUT");
    if (!preview) return toast(t("{tenant}: {text}", { tenant: tenant.name, text: errorMessage(error) }));
    const found = deletedCounts(preview.message);
    if (found) counts.textContent = t("{tenant} itself and {rooms} room(s) with their mailbox links, {bookings} booking(s), {people} person(s), {absences} absence(s) and {displays} display(s) with their tokens", { tenant: tenant.name, ...found });
  }
  disconnectDialog.showModal();
}

document.getElementById("disconnect-no").addEventListener("click", () => disconnectDialog.close());
disconnectDialog.addEventListener("close", () => {
  if (disconnecting && document.body.contains(disconnecting.button)) disconnecting.button.focus();
});
document.getElementById("disconnect-yes").addEventListener("click", async (event) => {
  const { tenant } = disconnecting;
  await whileBusy(event.currentTarget, async () => {
    try {
      await request("DisconnectTenant", { tenantId: tenant.id, confirm: true });
      disconnectDialog.close();
      toast(t("{tenant} is disconnected: its data is deleted in Transom; nothing was deleted in Exchange.", { tenant: tenant.name }));
      await load();
      document.getElementById("main").focus();
    } catch (error) {
      disconnectDialog.close();
      toast(t("{tenant}: {text}", { tenant: tenant.name, text: errorMessage(error) }));
    }
  });
});

async function connect(node, form, tenant) {
  clearErrors(form);
  const problems = missing(form);
  if (problems.length) {
    showErrors(form, { errors: problems });
    return;
  }
  const expiry = form.elements.secretExpiresAt.value;
  const input = {
    tenantId: tenant.id,
    directoryId: form.elements.directoryId.value.trim(),
    clientId: form.elements.clientId.value.trim(),
    clientSecret: form.elements.clientSecret.value || null,
    secretExpiresAt: expiry ? `${expiry}T00:00:00Z` : null,
  };
  await whileBusy(form.querySelector("button[type=submit]"), async () => {
    try {
      const tested = (await request("ConnectTenant", { input })).connectTenant.connectionTest;
      form.elements.clientSecret.value = "";
      showConnection(node, { ...tested, checkedAt: new Date().toISOString() }, tenant.timeZone);
      toast(t("{tenant}: {text}", { tenant: tenant.name, text: summary(tested) }));
      await load();
    } catch (error) {
      showErrors(form, error, explainInput);
    }
  });
}

async function testConnection(node, form, button, tenant) {
  clearErrors(form);
  await whileBusy(button, async () => {
    try {
      const tested = (await request("TestTenantConnection", { tenantId: tenant.id })).testTenantConnection.connectionTest;
      showConnection(node, { ...tested, checkedAt: new Date().toISOString() }, tenant.timeZone);
      toast(t("{tenant}: {text}", { tenant: tenant.name, text: summary(tested) }));
    } catch (error) {
      showErrors(form, error, explainInput);
    }
  });
}

// Wakes every linked room's loop; what they find (an expired secret, say)
// arrives through the subscription.
async function syncNow(button, tenant) {
  await whileBusy(button, async () => {
    try {
      const syncTenant = (await request("SyncTenant", { tenantId: tenant.id })).syncTenant.syncedRooms;
      toast(
        syncTenant
          ? plural(syncTenant, "{tenant}: syncing {count} linked room now.", "{tenant}: syncing {count} linked rooms now.", { tenant: tenant.name })
          : t("{tenant}: no room is syncing; link rooms on the Rooms page, or fix the connection.", { tenant: tenant.name }),
      );
    } catch (error) {
      toast(t("{tenant}: {text}", { tenant: tenant.name, text: errorMessage(error) }));
    }
  });
}

const reloadSoon = debounced(() => load());

function watch(tenant) {
  if (watched.has(tenant.id)) return;
  watched.add(tenant.id);
  watchTenant(tenant, reloadSoon, { refreshBannersToo: false });
}

if (isSuperadmin()) setUpOnboarding(() => load());

load().catch((error) => {
  list.replaceChildren(el("p", { class: "form-error", role: "alert" }, t("Could not load tenants: {error}", { error: errorMessage(error) })));
});
