// What Microsoft 365's and Transom's error codes mean, in the admin's
// language: the Rooms and Sync log pages explain a failure by its code and keep
// the server's own (English) text only as a "Details" line.
import { N_, t } from "./i18n.js";
import { el } from "./ui.js";

const ACCESS_DENIED = {
  what: N_("Microsoft 365 refuses Transom access to this mailbox."),
  fix: N_("Check the application access policy in Exchange Online: it must include this room's mailbox."),
};
const NO_MAILBOX = {
  what: N_("Microsoft 365 has no mailbox with this address."),
  fix: N_("Check the address of the room's resource mailbox in the Exchange admin center."),
};
const NOT_IN_EXCHANGE = {
  what: N_("This address has no Exchange Online mailbox Transom can open."),
  fix: N_("Use the address of a room or resource mailbox in Exchange Online."),
};
const SECRET_EXPIRED = {
  what: N_("The tenant's client secret has expired."),
  fix: N_("Create a new client secret in Entra ID and save it on the Tenants page."),
};
const INVALID_CREDENTIALS = {
  what: N_("Entra ID refused the tenant's client secret or certificate."),
  fix: N_("Save the client secret's value (not its ID), or the right certificate, on the Tenants page."),
};
const TENANT_NOT_FOUND = {
  what: N_("Entra ID does not know the tenant's directory (tenant) ID."),
  fix: N_("Check the directory (tenant) ID on the Tenants page."),
};
const APP_NOT_FOUND = {
  what: N_("Entra ID does not know the application (client) ID in this tenant."),
  fix: N_("Check the application (client) ID on the Tenants page."),
};
const CONSENT_MISSING = {
  what: N_("An administrator has not consented to Transom's permissions in this tenant."),
  fix: N_("Grant admin consent for the app's API permissions in Entra ID."),
};
const THROTTLED = {
  what: N_("Microsoft 365 asked Transom to slow down."),
  fix: N_("Nothing to do: Transom retries by itself."),
};

// Codes are matched without regard to case (Graph is not consistent).
const CODES = {
  not_a_resource: {
    what: N_("The address is a person's mailbox, not a room or resource mailbox."),
    fix: N_("Link the room's resource mailbox instead."),
  },
  not_connected: {
    what: N_("The tenant's connection to Microsoft 365 does not work."),
    fix: N_("Test the connection on the Tenants page and fix it there; then link the mailbox again."),
  },
  no_such_mailbox: NO_MAILBOX,
  errorinvaliduser: NO_MAILBOX,
  no_exchange_mailbox: NOT_IN_EXCHANGE,
  mailboxnotenabledforrestapi: NOT_IN_EXCHANGE,
  mailboxnotsupportedforrestapi: NOT_IN_EXCHANGE,
  access_denied: ACCESS_DENIED,
  erroraccessdenied: ACCESS_DENIED,
  erroritemnotfound: {
    what: N_("The item no longer exists in Exchange."),
    fix: null,
  },
  syncstatenotfound: {
    what: N_("Microsoft 365 forgot where the last sync stopped; the calendar is read in full again."),
    fix: N_("Nothing to do."),
  },
  notifications_missed: {
    what: N_("Change notifications from Microsoft 365 are not arriving for this room."),
    fix: N_("Changes are still read by the hourly reconciliation round. This clears when notifications arrive again; if it stays, check that Microsoft Graph can reach TRANSOM_PUBLIC_URL."),
  },
  subscription_recreated: {
    what: N_("Transom renewed its subscription to this room's changes and read the calendar again."),
    fix: N_("Nothing to do: this clears when notifications arrive again."),
  },
  no_show_released: {
    what: N_("A meeting nobody checked in to was released, so the room shows free again."),
    fix: null,
  },
  superseded: {
    what: N_("A newer change to the same booking replaced this write."),
    fix: N_("Nothing to do."),
  },
  secret_expired: SECRET_EXPIRED,
  7000222: SECRET_EXPIRED,
  invalid_credentials: INVALID_CREDENTIALS,
  7000215: INVALID_CREDENTIALS,
  7000218: INVALID_CREDENTIALS,
  700027: INVALID_CREDENTIALS,
  700024: INVALID_CREDENTIALS,
  tenant_not_found: TENANT_NOT_FOUND,
  90002: TENANT_NOT_FOUND,
  900023: TENANT_NOT_FOUND,
  app_not_found: APP_NOT_FOUND,
  700016: APP_NOT_FOUND,
  consent_missing: CONSENT_MISSING,
  65001: CONSENT_MISSING,
  token_rejected: {
    what: N_("Microsoft Graph refused Transom's access token."),
    fix: N_("Test the connection on the Tenants page."),
  },
  toomanyrequests: THROTTLED,
  applicationthrottled: THROTTLED,
  throttled: THROTTLED,
};

// { what, fix } in the admin's language for a code, else null.
export function explainCode(code) {
  const known = code ? CODES[String(code).toLowerCase()] : null;
  return known ? { what: t(known.what), fix: known.fix ? t(known.fix) : null } : null;
}

// The server's own words, kept as a secondary line (they stay English).
export function details(...texts) {
  const shown = texts.filter(Boolean);
  return shown.length ? el("div", { class: "muted small details" }, t("Details: {text}", { text: shown.join(" ") })) : null;
}

// "How to fix it: …" when there is something to do.
export function fixLine(fix) {
  return fix ? el("div", { class: "fix" }, t("How to fix it: {fix}", { fix })) : null;
}
