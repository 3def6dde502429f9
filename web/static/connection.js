// A tenant's Microsoft 365 connection in plain words, with the fix.
import { el, formatDate } from "./ui.js";

const RENEW_SECRET =
  "In the Microsoft Entra admin center open App registrations → your Transom app → " +
  "Certificates & secrets, add a new client secret, then paste its Value and expiry date " +
  "here and choose “Save and connect”.";

const WORDS = {
  CONNECTED: { tone: "ok", label: "Connected", text: "Transom can read and book the rooms' calendars." },
  SECRET_EXPIRING: { tone: "warn", label: "Secret expiring", text: "Connected, but the client secret expires soon.", hint: RENEW_SECRET },
  SECRET_EXPIRED: { tone: "bad", label: "Secret expired", text: "The client secret has expired: Microsoft 365 refuses Transom, and syncing has stopped.", hint: RENEW_SECRET },
  INVALID_CREDENTIALS: {
    tone: "bad",
    label: "Wrong credentials",
    text: "Microsoft 365 refused the directory ID, client ID or secret.",
    hint: "Copy the Directory (tenant) ID and Application (client) ID from the app's Overview page, and paste the secret's Value (not its Secret ID).",
  },
  CONSENT_MISSING: {
    tone: "bad",
    label: "Consent missing",
    text: "The app is missing admin consent for the permissions Transom needs.",
    hint: "In App registrations → your Transom app → API permissions, choose “Grant admin consent for your organisation”, then test the connection again.",
  },
  ERROR: { tone: "bad", label: "Error", text: "Transom could not talk to Microsoft 365.", hint: "Test the connection again in a few minutes; if it persists, check the Sync log." },
  DISABLED: { tone: "idle", label: "Not connected", text: "This tenant is not connected to Microsoft 365 yet.", hint: "Register an app in Microsoft Entra ID, then enter its details below." },
};

export function describe(status) {
  return WORDS[status] || WORDS.ERROR;
}

export function statusBadge(status) {
  const words = describe(status);
  return el("span", { class: `status status-${words.tone}`, "data-status": status }, words.label, el("span", { class: "visually-hidden" }, ` (${status})`));
}

// The explanation block: what is wrong (server message first) and how to fix it.
export function explanation(connection) {
  const words = describe(connection.status);
  const parts = [el("p", { class: "what" }, connection.message || words.text)];
  const hint = connection.hint || words.hint;
  if (connection.status !== "CONNECTED" && hint) {
    parts.push(el("p", { class: "fix" }, el("strong", {}, "How to fix it: "), hint));
  }
  if (connection.code) parts.push(el("p", { class: "muted" }, `Error code: ${connection.code}`));
  if (connection.checkedAt) {
    parts.push(el("p", { class: "muted" }, `Last checked ${new Date(connection.checkedAt).toLocaleString("en-GB")}.`));
  }
  return parts;
}

const WARNING_DAYS = 30;
const BLOCKED = ["SECRET_EXPIRED", "INVALID_CREDENTIALS", "CONSENT_MISSING"];

function renewLink(tenant) {
  return el("a", { href: `/admin/?tenant=${encodeURIComponent(tenant.id)}` }, "Fix it on the Tenants page");
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
        el("strong", {}, `${tenant.name}: ${words.label}. `),
        `${words.text} `,
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
  const message =
    days <= 0
      ? `${tenant.name}: the Microsoft 365 client secret expired on ${formatDate(tenant.secretExpiresAt)}. Syncing stops as soon as Microsoft 365 refuses it: add a new secret now.`
      : `${tenant.name}: the Microsoft 365 client secret expires in ${days} day${days === 1 ? "" : "s"} (${formatDate(tenant.secretExpiresAt)}). Add a new secret before then.`;
  return el("p", { class: `banner ${days <= 0 ? "banner-bad" : "banner-warn"}`, "data-banner": "SECRET_EXPIRY" }, message, " ", renewLink(tenant));
}
