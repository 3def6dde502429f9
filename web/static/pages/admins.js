// The Admins page: the tenant's admins and readers (and, for a superadmin,
// the superadmins), how each signs in, lockouts; add, change role, reset a
// password, unlock, remove, each after a confirmation saying what happens.
import { request } from "../graphql.js";
import { chosenTenant, isSuperadmin, watchTenant } from "../tenant.js";
import { N_, formatNumber, label, t } from "../i18n.js";
import { clearErrors, debounced, el, errorMessage, formatDateTime, pageWords, replaceKeepingFocus, showErrors, toast, whileBusy } from "../ui.js";

const form = document.getElementById("add-form");
const roleSelect = document.getElementById("add-role");
const list = document.getElementById("admins");
const confirmDialog = document.getElementById("admin-confirm");
const passwordDialog = document.getElementById("password-shown");
let tenant = null;
let pending = null; // { run, focusKey } of the open confirmation

const ROLE_NAMES = { SUPERADMIN: N_("Superadmin"), ADMIN: N_("Admin"), READER: N_("Reader") };
const METHOD_NAMES = { PASSWORD: N_("Password"), MICROSOFT: N_("Microsoft") };

// Sentences naming a role, whole (word order and case differ by language).
const ALREADY = { SUPERADMIN: N_("{email} is already superadmin."), ADMIN: N_("{email} is already admin."), READER: N_("{email} is already reader.") };
const MAKE_QUESTION = { SUPERADMIN: N_("Make {email} superadmin?"), ADMIN: N_("Make {email} admin?"), READER: N_("Make {email} reader?") };
const MAKE_BUTTON = { SUPERADMIN: N_("Make superadmin"), ADMIN: N_("Make admin"), READER: N_("Make reader") };
const NOW = { SUPERADMIN: N_("{email} is now superadmin."), ADMIN: N_("{email} is now admin."), READER: N_("{email} is now reader.") };
const BECOMES = {
  SUPERADMIN: N_("{email} becomes a superadmin: every tenant, every account. Their open pages keep their session with the new rights, and their live connection reconnects at once."),
  ADMIN: N_("{email} becomes an admin of {tenant}: they can change everything of {tenant} and manage its admins and readers. Their open pages keep their session with the new rights, and their live connection reconnects at once."),
  READER: N_("{email} becomes a reader of {tenant}: they can see everything but change nothing. Their open pages keep their session with the new rights, and their live connection reconnects at once."),
};
const ADDED = { SUPERADMIN: N_("Superadmin added. Their one-time password"), ADMIN: N_("Admin added. Their one-time password"), READER: N_("Reader added. Their one-time password") };

function status(admin) {
  if (admin.lockedUntil) {
    const until = formatDateTime(admin.lockedUntil, tenant.timeZone);
    return el("span", { class: "status status-bad", "data-locked": "true" }, t("Locked until {until} ({count} wrong passwords)", { until, count: formatNumber(admin.failedSignIns) }));
  }
  return el("span", { class: "status status-ok", "data-locked": "false" }, t("Can sign in"));
}

function roleControl(admin) {
  const id = `role-${admin.id}`;
  const options = isSuperadmin() ? ["ADMIN", "READER", "SUPERADMIN"] : ["ADMIN", "READER"];
  const select = el(
    "select",
    { id, name: "role" },
    options.map((role) => el("option", { value: role, selected: role === admin.role }, label(ROLE_NAMES, role))),
  );
  const button = el("button", { type: "button", "aria-haspopup": "dialog", "aria-label": t("Change the role of {email}", { email: admin.email }) }, t("Change role"));
  button.addEventListener("click", () => askRole(admin, select.value));
  return el(
    "div",
    { class: "role-control" },
    el("label", { for: id, class: "visually-hidden" }, t("Role of {email}", { email: admin.email })),
    select,
    button,
  );
}

function actions(admin) {
  const buttons = [];
  if (admin.lockedUntil) {
    buttons.push(el("button", { type: "button", "aria-haspopup": "dialog", "aria-label": t("Unlock {email}", { email: admin.email }), onclick: () => askUnlock(admin) }, t("Unlock")));
  }
  buttons.push(el("button", { type: "button", "aria-haspopup": "dialog", "aria-label": t("Reset the password of {email}", { email: admin.email }), onclick: () => askReset(admin) }, t("Reset password")));
  buttons.push(el("button", { type: "button", class: "danger", "aria-haspopup": "dialog", "aria-label": t("Remove {email}", { email: admin.email }), onclick: () => askRemove(admin) }, t("Remove")));
  return buttons;
}

function row(admin) {
  const methods = admin.signInMethods.map((m) => label(METHOD_NAMES, m)).join(", ") || t("None yet");
  const last = admin.lastSignInAt ? formatDateTime(admin.lastSignInAt, tenant.timeZone) : t("Never");
  return el(
    "tr",
    { "data-admin-id": admin.id, "data-key": admin.id },
    el("th", { scope: "row" }, admin.email, admin.isYou ? el("span", { class: "muted" }, ` ${t("(you)")}`) : null),
    el("td", {}, roleControl(admin)),
    el("td", {}, methods),
    el("td", {}, last),
    el("td", {}, status(admin)),
    el("td", { class: "actions" }, actions(admin)),
  );
}

function confirm(title, what, yes, run, admin) {
  pending = { run, focusKey: admin.id };
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-what").textContent = what;
  const error = document.getElementById("confirm-error");
  error.hidden = true;
  error.textContent = "";
  document.getElementById("confirm-yes").textContent = yes;
  confirmDialog.showModal();
}

function askRole(admin, role) {
  if (role === admin.role) {
    toast(t(ALREADY[role] || ALREADY.ADMIN, { email: admin.email }));
    return;
  }
  const you = admin.isYou ? ` ${t("That is you: this page reloads with your new rights.")}` : "";
  confirm(
    t(MAKE_QUESTION[role] || MAKE_QUESTION.ADMIN, { email: admin.email }),
    t(BECOMES[role] || BECOMES.ADMIN, { email: admin.email, tenant: tenant.name }) + you,
    t(MAKE_BUTTON[role] || MAKE_BUTTON.ADMIN),
    async () => {
      const tenantId = role === "SUPERADMIN" ? null : tenant.id;
      await request("ChangeAdminRole", { id: admin.id, role, tenantId });
      toast(t(NOW[role] || NOW.ADMIN, { email: admin.email }));
      if (admin.isYou) location.reload();
    },
    admin,
  );
}

function askReset(admin) {
  const microsoft = admin.signInMethods.includes("MICROSOFT") ? ` ${t("Signing in with Microsoft keeps working.")}` : "";
  confirm(
    t("Reset the password of {email}?", { email: admin.email }),
    t("{email} gets a new password, shown to you once on the next screen. Their current password stops working, a lockout is lifted, and they are signed out everywhere at once: their open pages must sign in again.", { email: admin.email }) + microsoft,
    t("Reset password"),
    async () => {
      const reset = (await request("ResetAdminPassword", { id: admin.id })).resetAdminPassword;
      showPassword(admin.email, reset.oneTimePassword, t("Their new password"));
    },
    admin,
  );
}

function askUnlock(admin) {
  confirm(
    t("Unlock {email}?", { email: admin.email }),
    t("{email} is locked out after {count} wrong passwords. Unlocking lets them sign in with their password again at once. If you think someone else was guessing, reset the password instead.", { email: admin.email, count: formatNumber(admin.failedSignIns) }),
    t("Unlock"),
    async () => {
      await request("UnlockAdmin", { id: admin.id });
      toast(t("{email} can sign in again.", { email: admin.email }));
    },
    admin,
  );
}

function askRemove(admin) {
  const microsoft = admin.signInMethods.includes("MICROSOFT")
    ? ` ${t("They sign in with Microsoft: while the tenant's sign-in rules give them a role, their next Microsoft sign-in creates the account again; change those rules too.")}`
    : "";
  confirm(
    t("Remove {email}?", { email: admin.email }),
    t("{email} can no longer sign in. They are signed out everywhere at once, and their open pages and live connections stop working.", { email: admin.email }) + microsoft,
    t("Remove"),
    async () => {
      await request("RemoveAdmin", { id: admin.id });
      toast(t("Removed {email}.", { email: admin.email }));
    },
    admin,
  );
}

function showPassword(email, password, words) {
  document.getElementById("password-what").textContent = t("{words} for {email}:", { words, email });
  document.getElementById("password-value").value = password;
  passwordDialog.showModal();
}

document.getElementById("confirm-no").addEventListener("click", () => confirmDialog.close());
document.getElementById("confirm-yes").addEventListener("click", async (event) => {
  const { run } = pending;
  const error = document.getElementById("confirm-error");
  let failed = false;
  await whileBusy(event.currentTarget, async () => {
    try {
      await run();
    } catch (problem) {
      failed = true;
      error.textContent = errorText(problem);
      error.hidden = false;
    }
  });
  if (failed) return;
  if (confirmDialog.open) confirmDialog.close();
  await load();
});
confirmDialog.addEventListener("close", () => {
  if (passwordDialog.open) return;
  focusRow(pending && pending.focusKey);
});
document.getElementById("password-done").addEventListener("click", () => passwordDialog.close());
passwordDialog.addEventListener("close", () => {
  document.getElementById("password-value").value = "";
  focusRow(pending && pending.focusKey);
});

function focusRow(key) {
  const found = key && list.querySelector(`tr[data-admin-id="${CSS.escape(key)}"]`);
  const target = found ? found.querySelector("button") : form.elements.email;
  if (target) target.focus();
}

let loads = 0;

async function load() {
  const mine = ++loads;
  const data = await request("AdminsOfTenant", { tenantId: tenant.id });
  if (mine !== loads) return; // a newer load answers for it
  if (confirmDialog.open) return; // the confirmation names what it shows
  const head = el("tr", {}, [t("E-mail"), t("Role"), t("Signs in with"), t("Last sign-in"), t("Status"), t("Actions")].map((h) => el("th", { scope: "col" }, h)));
  const table = el(
    "table",
    {},
    el("caption", { class: "visually-hidden" }, t("Admins of {tenant}", { tenant: tenant.name })),
    el("thead", {}, head),
    el("tbody", {}, data.admins.map(row)),
  );
  replaceKeepingFocus(list, el("div", { class: "table-wrap" }, table));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const email = form.elements.email.value.trim();
  if (!email) {
    showErrors(form, { errors: [{ message: t("Enter their e-mail address."), extensions: { field: "email" } }] });
    return;
  }
  const role = roleSelect.value;
  const tenantId = role === "SUPERADMIN" ? null : tenant.id;
  await whileBusy(form.querySelector("button[type=submit]"), async () => {
    try {
      const made = (await request("CreateAdmin", { input: { email, role, tenantId } })).createAdmin;
      form.reset();
      pending = { focusKey: made.admin.id };
      await load();
      showPassword(made.admin.email, made.oneTimePassword, t(ADDED[made.admin.role] || ADDED.ADMIN));
    } catch (error) {
      showErrors(form, error, explain);
    }
  });
});

// Refusals the page knows by their code, in the admin's language; others keep
// the server's message (English; only for the unexpected).
const CODE_WORDS = {
  CONFLICT: N_("This cannot be done: an account with this e-mail exists already, or it would leave the tenant without an admin."),
  FORBIDDEN: N_("Only admins manage accounts: you are signed in as a reader."),
  NOT_FOUND: N_("This account is gone: reload the page."),
  RATE_LIMITED: N_("Too many requests; try again in a moment."),
};
const FIELD_WORDS = {
  email: N_("Enter a valid e-mail address."),
  role: N_("Choose a role you may give."),
};

const explain = pageWords({ codes: CODE_WORDS, fields: FIELD_WORDS });

function errorText(error) {
  return errorMessage(error, explain);
}

const reloadSoon = debounced(() => load());

function refuse(message) {
  document.getElementById("add-card").hidden = true;
  list.replaceChildren(el("p", { class: "form-error", role: "alert" }, message));
}

async function start() {
  tenant = await chosenTenant();
  if (!tenant) {
    refuse(t("There is no tenant yet: add one on the Tenants page first."));
    return;
  }
  if (isSuperadmin()) roleSelect.append(el("option", { value: "SUPERADMIN" }, t("Superadmin (every tenant)")));
  await load();
  form.querySelector("button[type=submit]").disabled = false;
  watchTenant(tenant, reloadSoon);
  setInterval(reloadSoon, 30000); // lockouts happen at sign-in, which sends no event
}

start().catch((error) => {
  const forbidden = error.errors && error.errors.some((e) => e.extensions && e.extensions.code === "FORBIDDEN");
  refuse(forbidden ? t("Only admins manage accounts: you are signed in as a reader.") : t("Could not load admins: {reason}", { reason: errorText(error) }));
});
