// What testTenantPermissions found, as the admin reads it: each feature works
// or not, and a table of every permission with, for a missing one, its name
// and how to fix it. Words are chosen by status; what Microsoft Graph said in
// its own words is a "Details" line.
import { N_, label, t } from "./i18n.js";
import { el } from "./ui.js";

export const FEATURE_NAMES = {
  ROOMS: N_("Rooms"),
  DOOR_DISPLAYS: N_("Door displays"),
  ABSENCES: N_("Absences and automatic replies"),
  AVAILABILITY: N_("Availability"),
};

const RESULT = {
  GRANTED: { text: N_("Granted"), tone: "granted" },
  MISSING: { text: N_("Missing"), tone: "missing" },
  SHUT_OUT: { text: N_("Granted, mailbox shut out by the access policy"), tone: "untested" },
  NOT_TESTED: { text: N_("Not tested"), tone: "untested" },
};

export function featureName(feature) {
  return label(FEATURE_NAMES, feature);
}

export function featureNames(features) {
  return features.length ? features.map(featureName).join(", ") : t("Connecting (always)");
}

// What was tried and how to fix it, for a permission not granted.
function fixOf(p) {
  if (p.status === "MISSING") {
    return [
      t("{permission} is not granted: Microsoft Graph refused the call.", { permission: p.permission }),
      el("br"),
      el("strong", {}, t("How to fix it:")),
      " ",
      t("Add the application permission {permission} in Entra ID > App registrations > your Transom app > API permissions > Add a permission > Microsoft Graph > Application permissions, then Grant admin consent; test again.", { permission: p.permission }),
    ];
  }
  if (p.status === "SHUT_OUT") {
    return [
      t("The permission is granted, but the application access policy shuts out the mailbox Transom tried."),
      el("br"),
      el("strong", {}, t("How to fix it:")),
      " ",
      t("Add this mailbox to the mail-enabled security group of the app's Exchange application access policy (or its RBAC for Applications scope); changes can take an hour."),
    ];
  }
  const parts = [t("Not tested: there was no token, no mailbox to try it on, or Microsoft Graph failed.")];
  if (p.code) parts.push(el("br"), t("Error code: {code}", { code: p.code }));
  if (p.message) parts.push(el("br"), el("span", { class: "muted details" }, t("Details: {details}", { details: p.message })));
  return parts;
}

// `result`: the testTenantPermissions payload; `consentUrl`: Entra's admin
// consent link for the app, if known.
export function permissionResults(result, consentUrl, idPrefix) {
  const features = el(
    "ul",
    { class: "feature-list", "aria-label": t("Features") },
    result.features.map((f) =>
      el(
        "li",
        { "data-feature": f.feature, "data-works": String(f.works) },
        el("span", { class: f.works ? "granted" : "missing" }, f.works ? "✓ " : "✗ "),
        f.works
          ? t("Works: {feature}", { feature: featureName(f.feature) })
          : t("Does not work yet: {feature} (needs {permissions})", { feature: featureName(f.feature), permissions: f.lackingPermissions.join(", ") }),
      ),
    ),
  );
  const rows = result.permissions.map((p) => {
    const words = RESULT[p.status] || RESULT.NOT_TESTED;
    return el(
      "tr",
      { "data-permission": p.permission, "data-status": p.status },
      el("th", { scope: "row" }, el("code", {}, p.permission)),
      el("td", {}, featureNames(p.features)),
      el("td", {}, el("span", { class: words.tone }, t(words.text))),
      el("td", {}, p.status === "GRANTED" ? "" : fixOf(p)),
    );
  });
  const table = el(
    "div",
    { class: "table-wrap" },
    el(
      "table",
      { id: `${idPrefix}-permissions` },
      el("caption", { class: "visually-hidden" }, t("Permissions tested")),
      el("thead", {}, el("tr", {}, [t("Permission"), t("Needed for"), t("Result"), t("What was tried, how to fix it")].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows),
    ),
  );
  const missing = result.permissions.some((p) => p.status !== "GRANTED");
  const consent = missing && consentUrl ? consentLine(consentUrl) : null;
  return [el("h4", {}, t("Features")), features, el("h4", {}, t("Permissions")), table, consent].filter(Boolean);
}

// "After adding a permission, grant admin consent: <link>, then test again."
// The link's words are their own message; the sentence places it.
function consentLine(consentUrl) {
  const link = el("a", { href: consentUrl, target: "_blank", rel: "noopener" }, t("open the admin consent page for this app"));
  const sentence = t("After adding a permission, grant admin consent: {link} (sign in as an administrator of the directory), then test again.");
  const [before, after = ""] = sentence.split("{link}");
  return el("p", {}, before, link, after);
}
