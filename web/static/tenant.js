// Which tenant the page is about. Tenant admins have one; superadmins pick one
// in the header (remembered in the URL as ?tenant= and in localStorage).
import { request } from "./graphql.js";

const STORAGE_KEY = "transom.admin.tenant";

export function viewerRole() {
  return document.querySelector('meta[name="viewer-role"]').content;
}

export function isSuperadmin() {
  return viewerRole() === "SUPERADMIN";
}

export async function visibleTenants() {
  const data = await request("AdminTenants");
  return data.tenants.nodes;
}

// The chosen tenant (an object from AdminTenants), or null when none exist.
export async function chosenTenant() {
  const tenants = await visibleTenants();
  if (!tenants.length) return null;
  const wanted =
    new URLSearchParams(location.search).get("tenant") || localStorage.getItem(STORAGE_KEY);
  const chosen = tenants.find((t) => t.id === wanted) || tenants[0];
  if (isSuperadmin()) showPicker(tenants, chosen);
  localStorage.setItem(STORAGE_KEY, chosen.id);
  return chosen;
}

function showPicker(tenants, chosen) {
  const picker = document.getElementById("tenant-picker");
  const select = document.getElementById("tenant-select");
  select.replaceChildren(
    ...tenants.map((t) => {
      const option = document.createElement("option");
      option.value = t.id;
      option.textContent = t.name;
      option.selected = t.id === chosen.id;
      return option;
    }),
  );
  select.onchange = () => {
    localStorage.setItem(STORAGE_KEY, select.value);
    const url = new URL(location.href);
    url.searchParams.set("tenant", select.value);
    location.assign(url);
  };
  picker.hidden = false;
}
