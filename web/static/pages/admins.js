// The Admins page: the tenant's admins and readers (and, for a superadmin,
// the superadmins), how each signs in, lockouts; add, change role, reset a
// password, unlock, remove, each after a confirmation saying what happens.
import { request } from "../graphql.js";
import { chosenTenant, isSuperadmin, watchTenant } from "../tenant.js";
import { clearErrors, debounced, el, formatDateTime, replaceKeepingFocus, showErrors, toast, whileBusy } from "../ui.js";

const form = document.getElementById("add-form");
const roleSelect = document.getElementById("add-role");
const list = document.getElementById("admins");
const confirmDialog = document.getElementById("admin-confirm");
const passwordDialog = document.getElementById("password-shown");
let tenant = null;
let pending = null; // { run, focusKey } of the open confirmation

const ROLE_NAMES = { SUPERADMIN: "Superadmin", ADMIN: "Admin", READER: "Reader" };
const METHOD_NAMES = { PASSWORD: "Password", MICROSOFT: "Microsoft" };

function roleWords(role) {
  if (role === "SUPERADMIN") return "a superadmin: every tenant, every account";
  if (role === "READER") return `a reader of ${tenant.name}: they can see everything but change nothing`;
  return `an admin of ${tenant.name}: they can change everything of ${tenant.name} and manage its admins and readers`;
}

function status(admin) {
  if (admin.lockedUntil) {
    const until = formatDateTime(admin.lockedUntil, tenant.timeZone);
    return el("span", { class: "status status-bad", "data-locked": "true" }, `Locked until ${until} (${admin.failedSignIns} wrong passwords)`);
  }
  return el("span", { class: "status status-ok", "data-locked": "false" }, "Can sign in");
}

function roleControl(admin) {
  const id = `role-${admin.id}`;
  const options = isSuperadmin() ? ["ADMIN", "READER", "SUPERADMIN"] : ["ADMIN", "READER"];
  const select = el(
    "select",
    { id, name: "role" },
    options.map((role) => el("option", { value: role, selected: role === admin.role }, ROLE_NAMES[role])),
  );
  const button = el("button", { type: "button", "aria-haspopup": "dialog", "aria-label": `Change the role of ${admin.email}` }, "Change role");
  button.addEventListener("click", () => askRole(admin, select.value));
  return el(
    "div",
    { class: "role-control" },
    el("label", { for: id, class: "visually-hidden" }, `Role of ${admin.email}`),
    select,
    button,
  );
}

function actions(admin) {
  const buttons = [];
  if (admin.lockedUntil) {
    buttons.push(el("button", { type: "button", "aria-haspopup": "dialog", "aria-label": `Unlock ${admin.email}`, onclick: () => askUnlock(admin) }, "Unlock"));
  }
  buttons.push(el("button", { type: "button", "aria-haspopup": "dialog", "aria-label": `Reset the password of ${admin.email}`, onclick: () => askReset(admin) }, "Reset password"));
  buttons.push(el("button", { type: "button", class: "danger", "aria-haspopup": "dialog", "aria-label": `Remove ${admin.email}`, onclick: () => askRemove(admin) }, "Remove"));
  return buttons;
}

function row(admin) {
  const methods = admin.signInMethods.map((m) => METHOD_NAMES[m]).join(", ") || "None yet";
  const last = admin.lastSignInAt ? formatDateTime(admin.lastSignInAt, tenant.timeZone) : "Never";
  return el(
    "tr",
    { "data-admin-id": admin.id, "data-key": admin.id },
    el("th", { scope: "row" }, admin.email, admin.isYou ? el("span", { class: "muted" }, " (you)") : null),
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
    toast(`${admin.email} is already ${ROLE_NAMES[role].toLowerCase()}.`);
    return;
  }
  const you = admin.isYou ? " That is you: this page reloads with your new rights." : "";
  confirm(
    `Make ${admin.email} ${ROLE_NAMES[role].toLowerCase()}?`,
    `${admin.email} becomes ${roleWords(role)}. Their open pages keep their session with the new rights, and their live connection reconnects at once.${you}`,
    `Make ${ROLE_NAMES[role].toLowerCase()}`,
    async () => {
      const tenantId = role === "SUPERADMIN" ? null : tenant.id;
      await request("ChangeAdminRole", { id: admin.id, role, tenantId });
      toast(`${admin.email} is now ${ROLE_NAMES[role].toLowerCase()}.`);
      if (admin.isYou) location.reload();
    },
    admin,
  );
}

function askReset(admin) {
  const microsoft = admin.signInMethods.includes("MICROSOFT") ? " Signing in with Microsoft keeps working." : "";
  confirm(
    `Reset the password of ${admin.email}?`,
    `${admin.email} gets a new password, shown to you once on the next screen. Their current password stops working, a lockout is lifted, and they are signed out everywhere at once: their open pages must sign in again.${microsoft}`,
    "Reset password",
    async () => {
      const reset = (await request("ResetAdminPassword", { id: admin.id })).resetAdminPassword;
      showPassword(admin.email, reset.oneTimePassword, "Their new password");
    },
    admin,
  );
}

function askUnlock(admin) {
  confirm(
    `Unlock ${admin.email}?`,
    `${admin.email} is locked out after ${admin.failedSignIns} wrong passwords. Unlocking lets them sign in with their password again at once. If you think someone else was guessing, reset the password instead.`,
    "Unlock",
    async () => {
      await request("UnlockAdmin", { id: admin.id });
      toast(`${admin.email} can sign in again.`);
    },
    admin,
  );
}

function askRemove(admin) {
  const microsoft = admin.signInMethods.includes("MICROSOFT")
    ? " They sign in with Microsoft: while the tenant's sign-in rules give them a role, their next Microsoft sign-in creates the account again; change those rules too."
    : "";
  confirm(
    `Remove ${admin.email}?`,
    `${admin.email} can no longer sign in. They are signed out everywhere at once, and their open pages and live connections stop working.${microsoft}`,
    "Remove",
    async () => {
      await request("RemoveAdmin", { id: admin.id });
      toast(`Removed ${admin.email}.`);
    },
    admin,
  );
}

function showPassword(email, password, words) {
  document.getElementById("password-what").textContent = `${words} for ${email}:`;
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
      error.textContent = problem.message;
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
  const head = el("tr", {}, ["E-mail", "Role", "Signs in with", "Last sign-in", "Status", "Actions"].map((h) => el("th", { scope: "col" }, h)));
  const table = el(
    "table",
    {},
    el("caption", { class: "visually-hidden" }, `Admins of ${tenant.name}`),
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
    showErrors(form, { errors: [{ message: "Enter their e-mail address.", extensions: { field: "email" } }] });
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
      showPassword(made.admin.email, made.oneTimePassword, `${ROLE_NAMES[made.admin.role]} added. Their one-time password`);
    } catch (error) {
      showErrors(form, error);
    }
  });
});

const reloadSoon = debounced(() => load());

function refuse(message) {
  document.getElementById("add-card").hidden = true;
  list.replaceChildren(el("p", { class: "form-error", role: "alert" }, message));
}

async function start() {
  tenant = await chosenTenant();
  if (!tenant) {
    refuse("There is no tenant yet: add one on the Tenants page first.");
    return;
  }
  if (isSuperadmin()) roleSelect.append(el("option", { value: "SUPERADMIN" }, "Superadmin (every tenant)"));
  await load();
  form.querySelector("button[type=submit]").disabled = false;
  watchTenant(tenant, reloadSoon);
  setInterval(reloadSoon, 30000); // lockouts happen at sign-in, which sends no event
}

start().catch((error) => {
  const forbidden = error.errors && error.errors.some((e) => e.extensions && e.extensions.code === "FORBIDDEN");
  refuse(forbidden ? "Only admins manage accounts: you are signed in as a reader." : `Could not load admins: ${error.message}`);
});
