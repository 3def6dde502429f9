// What testTenantPermissions found, as the admin reads it: each feature works
// or not, and a table of every permission with, for a missing one, its name
// and how to fix it.
import { el } from "./ui.js";

export const FEATURE_NAMES = {
  ROOMS: "Rooms",
  DOOR_DISPLAYS: "Door displays",
  ABSENCES: "Absences and automatic replies",
  AVAILABILITY: "Availability",
};

const RESULT = {
  GRANTED: { text: "Granted", tone: "granted" },
  MISSING: { text: "Missing", tone: "missing" },
  SHUT_OUT: { text: "Granted, mailbox shut out by the access policy", tone: "untested" },
  NOT_TESTED: { text: "Not tested", tone: "untested" },
};

export function featureNames(features) {
  return features.length ? features.map((f) => FEATURE_NAMES[f] || f).join(", ") : "Connecting (always)";
}

// `result`: the testTenantPermissions payload; `consentUrl`: Entra's admin
// consent link for the app, if known.
export function permissionResults(result, consentUrl, idPrefix) {
  const features = el(
    "ul",
    { class: "feature-list", "aria-label": "Features" },
    result.features.map((f) =>
      el(
        "li",
        { "data-feature": f.feature, "data-works": String(f.works) },
        el("span", { class: f.works ? "granted" : "missing" }, f.works ? "✓ Works: " : "✗ Does not work yet: "),
        FEATURE_NAMES[f.feature] || f.feature,
        f.works ? "" : ` (needs ${f.lackingPermissions.join(", ")})`,
      ),
    ),
  );
  const rows = result.permissions.map((p) => {
    const words = RESULT[p.status] || RESULT.NOT_TESTED;
    const fix = p.status === "GRANTED" ? "" : [p.message, p.hint ? el("br") : null, p.hint ? el("strong", {}, "How to fix it: ") : null, p.hint || ""];
    return el(
      "tr",
      { "data-permission": p.permission, "data-status": p.status },
      el("th", { scope: "row" }, el("code", {}, p.permission)),
      el("td", {}, featureNames(p.features)),
      el("td", {}, el("span", { class: words.tone }, words.text)),
      el("td", {}, fix),
    );
  });
  const table = el(
    "div",
    { class: "table-wrap" },
    el(
      "table",
      { id: `${idPrefix}-permissions` },
      el("caption", { class: "visually-hidden" }, "Permissions tested"),
      el("thead", {}, el("tr", {}, ["Permission", "Needed for", "Result", "What was tried, how to fix it"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows),
    ),
  );
  const missing = result.permissions.some((p) => p.status !== "GRANTED");
  const consent =
    missing && consentUrl
      ? el("p", {}, "After adding a permission, grant admin consent: ", el("a", { href: consentUrl, target: "_blank", rel: "noopener" }, "open the admin consent page for this app"), " (sign in as an administrator of the directory), then test again.")
      : null;
  return [el("h4", {}, "Features"), features, el("h4", {}, "Permissions"), table, consent];
}
