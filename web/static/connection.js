// A tenant's Microsoft 365 connection in plain words, with the fix: chosen by
// its status and Entra's error code, in the admin's language. What Microsoft
// (or the server) said in its own words is only a "Details" line.
import { N_, plural, t } from "./i18n.js";
import { el, formatDate, formatDateTime } from "./ui.js";

const RENEW_SECRET = N_(
  "In the Microsoft Entra admin center open App registrations → your Transom app → Certificates & secrets, add a new client secret, then paste its Value and expiry date here and choose “Save and connect”.",
);

const WORDS = {
  CONNECTED: { tone: "ok", label: N_("Connected"), text: N_("Transom can read and book the rooms' calendars.") },
  SECRET_EXPIRING: { tone: "warn", label: N_("Secret expiring"), text: N_("Connected, but the client secret expires soon."), hint: RENEW_SECRET },
  SECRET_EXPIRED: { tone: "bad", label: N_("Secret expired"), text: N_("The client secret has expired: Microsoft 365 refuses Transom, and syncing has stopped."), hint: RENEW_SECRET },
  INVALID_CREDENTIALS: {
    tone: "bad",
    label: N_("Wrong credentials"),
    text: N_("Microsoft 365 refused the directory ID, client ID or secret."),
    hint: N_("Copy the Directory (tenant) ID and Application (client) ID from the app's Overview page, and paste the secret's Value (not its Secret ID)."),
  },
  CONSENT_MISSING: {
    tone: "bad",
    label: N_("Consent missing"),
    text: N_("The app is missing admin consent for the permissions Transom needs."),
    hint: N_("In App registrations → your Transom app → API permissions, choose “Grant admin consent for your organisation”, then test the connection again."),
  },
  ERROR: { tone: "bad", label: N_("Error"), text: N_("Transom could not talk to Microsoft 365."), hint: N_("Test the connection again in a few minutes; if it persists, check the Sync log.") },
  DISABLED: { tone: "idle", label: N_("Not connected"), text: N_("This tenant is not connected to Microsoft 365 yet."), hint: N_("Register an app in Microsoft Entra ID, then enter its details below.") },
};

// Entra's AADSTS codes that say more than the status does.
const CODES = {
  90002: {
    text: N_("Microsoft Entra does not know this directory (tenant) ID."),
    hint: N_("Check the Directory (tenant) ID on the app registration's Overview page."),
  },
  700016: {
    text: N_("Microsoft Entra does not know this application (client) ID in this directory."),
    hint: N_("Check the Application (client) ID, and that the app is registered in (or consented to by) this tenant."),
  },
};
CODES[900023] = CODES[90002];

export function describe(status) {
  return WORDS[status] || WORDS.ERROR;
}

export function statusLabel(status) {
  return t(describe(status).label);
}

export function statusBadge(status) {
  const words = describe(status);
  return el("span", { class: `status status-${words.tone}`, "data-status": status }, t(words.label));
}

// What the connection found, in words: the tenant's organisation and rooms
// when a test just read them, else the status explained (by Entra's code
// when it says more).
function what(connection) {
  const healthy = connection.status === "CONNECTED" || connection.status === "SECRET_EXPIRING";
  if (healthy && connection.organizationName && typeof connection.roomCount === "number") {
    const found = plural(connection.roomCount, "Connected to {organization}: {count} room in the directory.", "Connected to {organization}: {count} rooms in the directory.", { organization: connection.organizationName });
    return connection.status === "SECRET_EXPIRING" ? `${found} ${t("The client secret expires within 30 days.")}` : found;
  }
  const byCode = CODES[connection.code];
  return t(byCode ? byCode.text : describe(connection.status).text);
}

// One line for a toast: what a connection test found.
export function summary(connection) {
  return what(connection);
}

// The explanation block: what is wrong, how to fix it, Entra's code, and
// what Microsoft said as details.
export function explanation(connection, zone) {
  const words = describe(connection.status);
  const byCode = CODES[connection.code];
  const parts = [el("p", { class: "what" }, what(connection))];
  const hint = (byCode && byCode.hint) || words.hint;
  if (connection.status !== "CONNECTED" && hint) {
    parts.push(el("p", { class: "fix" }, el("strong", {}, t("How to fix it:")), " ", t(hint)));
  }
  if (connection.code) parts.push(el("p", { class: "muted" }, t("Error code: {code}", { code: connection.code })));
  if (connection.message && connection.status !== "CONNECTED" && connection.status !== "DISABLED") {
    parts.push(el("p", { class: "muted details" }, t("Details: {details}", { details: connection.message })));
  }
  if (connection.checkedAt) {
    parts.push(el("p", { class: "muted" }, t("Last checked {when}.", { when: formatDateTime(connection.checkedAt, zone) })));
  }
  return parts;
}

// Words for the server's refusals of a tenant's details (BAD_USER_INPUT, by
// field), for showErrors(form, error, explainInput) on the Tenants page.
const INPUT_WORDS = {
  directoryId: N_("The directory (tenant) ID is a GUID such as 8d3a5f2e-4c1b-4e7a-9f60-2b7c1d9e0a51 or a verified domain such as contoso.onmicrosoft.com: copy it from the app's Overview page in Entra ID."),
  clientId: N_("The application (client) ID is a GUID: copy it from the app's Overview page in Entra ID."),
  clientSecret: N_("Paste the client secret's Value."),
  certificatePem: N_("The PEM file must hold the unencrypted private key and the certificate."),
  secretExpiresAt: N_("That date has passed: enter the new secret's expiry date."),
  timeZone: N_("Enter an IANA time zone such as Europe/Copenhagen."),
  name: N_("Enter the organisation's name."),
  features: N_("Choose at least one feature."),
};

export function explainInput(item) {
  const { code, field } = item.extensions || {};
  return code === "BAD_USER_INPUT" && INPUT_WORDS[field] ? t(INPUT_WORDS[field]) : null;
}

const WARNING_DAYS = 30;
const BLOCKED = ["SECRET_EXPIRED", "INVALID_CREDENTIALS", "CONSENT_MISSING"];

function renewLink(tenant) {
  return el("a", { href: `/admin/?tenant=${encodeURIComponent(tenant.id)}` }, t("Fix it on the Tenants page"));
}

// The banners of one tenant, for the top of every page: the connection is
// refused (syncing stopped), and from 30 days before the saved secret expiry
// date, a reminder to renew it.
export function tenantBanners(tenant, now = new Date()) {
  const banners = [];
  const status = tenant.connection && tenant.connection.status;
  if (BLOCKED.includes(status)) {
    const words = describe(status);
    banners.push(
      el(
        "p",
        { class: "banner banner-bad", "data-banner": status },
        el("strong", {}, t("{tenant}: {status}.", { tenant: tenant.name, status: t(words.label) })),
        " ",
        `${t(words.text)} `,
        renewLink(tenant),
      ),
    );
  }
  if (status !== "SECRET_EXPIRED") {
    const expiry = secretBanner(tenant, now);
    if (expiry) banners.push(expiry);
  }
  return banners;
}

// A banner from 30 days before the saved secret expiry date (and after it).
export function secretBanner(tenant, now = new Date()) {
  if (!tenant.secretExpiresAt) return null;
  const expires = new Date(tenant.secretExpiresAt);
  const days = Math.ceil((expires - now) / 86400000);
  if (days > WARNING_DAYS) return null;
  const values = { tenant: tenant.name, date: formatDate(tenant.secretExpiresAt) };
  const message =
    days <= 0
      ? t("{tenant}: the Microsoft 365 client secret expired on {date}. Syncing stops as soon as Microsoft 365 refuses it: add a new secret now.", values)
      : plural(days, "{tenant}: the Microsoft 365 client secret expires in {count} day ({date}). Add a new secret before then.", "{tenant}: the Microsoft 365 client secret expires in {count} days ({date}). Add a new secret before then.", values);
  return el("p", { class: `banner ${days <= 0 ? "banner-bad" : "banner-warn"}`, "data-banner": "SECRET_EXPIRY" }, message, " ", renewLink(tenant));
}
