// Which tenant the page is about. Tenant admins have one; superadmins pick one
// in the header (remembered in the URL as ?tenant= and in localStorage).
// Also the banners every page shows (secret expiring, connection blocked) and
// the one live subscription a page needs: tenantSync.
import { onReconnect, request, subscribe } from "./graphql.js";
import { tenantBanners } from "./connection.js";

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

// The banners above every page, from AdminTenants (or TenantsOverview) rows.
export function showBanners(tenants) {
  const box = document.getElementById("banners");
  if (box) box.replaceChildren(...tenants.flatMap((t) => tenantBanners(t)));
}

export async function refreshBanners() {
  showBanners(await visibleTenants());
}

// The chosen tenant (an object from AdminTenants), or null when none exist.
export async function chosenTenant() {
  const tenants = await visibleTenants();
  showBanners(tenants);
  if (!tenants.length) return null;
  const wanted =
    new URLSearchParams(location.search).get("tenant") || localStorage.getItem(STORAGE_KEY);
  const chosen = tenants.find((t) => t.id === wanted) || tenants[0];
  if (isSuperadmin()) showPicker(tenants, chosen);
  localStorage.setItem(STORAGE_KEY, chosen.id);
  return chosen;
}

// Call `onChange(event)` whenever something of the tenant changes (another
// admin, the sync engine, a display), debounced; and after a reconnect, since
// missed events are not replayed. Banners refresh too.
export function watchTenant(tenant, onChange, { refreshBannersToo = true } = {}) {
  let first = true;
  let timer = null;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      onChange();
      if (refreshBannersToo) refreshBanners().catch(console.error);
    }, 150);
  };
  subscribe("TenantChanges", { tenantId: tenant.id }, () => {
    // The subscription answers once at once, when it is listening: reload
    // then too, for what changed between the page's first load and now.
    if (first) {
      first = false;
      document.body.dataset.live = "on";
    }
    soon();
  });
  onReconnect(soon);
  return soon;
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
