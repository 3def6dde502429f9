// What door and lobby displays share: the offline marker, the pairing loop and
// the live feed's handlers.
//
// `screen` is the page's own state: `saved()` (what localStorage keeps; a reset
// replaces it, hence a getter), `save()`, `live` (this page's connection state)
// and `render()`.
import { NetworkError, errorCode, request } from "./graphql.js";

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

export function offlineMarker(screen) {
  return {
    // Offline since the first failure (kept across reloads), shown at once.
    markOffline() {
      if (screen.live.offlineSince === null) {
        screen.live.offlineSince = Date.now();
        screen.saved().offlineSince = screen.live.offlineSince;
        screen.save();
      }
      screen.render();
    },
    markOnline() {
      screen.live.offlineSince = null;
      delete screen.saved().offlineSince;
      screen.save();
      screen.render();
    },
  };
}

// Show a pairing code (a new one when it expired) until an admin pairs it.
export async function pairScreen(screen, { showPairing, markOnline, markOffline, pollMs }) {
  showPairing();
  for (;;) {
    const saved = screen.saved();
    try {
      if (!saved.secret || (saved.expiresAt && Date.parse(saved.expiresAt) < Date.now())) {
        const result = await request("RequestDisplayPairing");
        if (result.errors) throw new NetworkError(result.errors[0].message);
        Object.assign(saved, result.data.requestDisplayPairing.pairing, { paired: false });
        screen.save();
        showPairing();
      }
      const status = await request("DisplayPairingStatus", { secret: saved.secret });
      markOnline();
      const state = status.data?.displayPairing?.state;
      if (state === "PAIRED") { saved.paired = true; screen.save(); return; }
      if (state !== "WAITING") { delete saved.secret; screen.save(); continue; }
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      markOffline();
    }
    await sleep(pollMs);
  }
}

// The live feed's handlers: each push (`payload.data[field]`) replaces the
// day; a refused credential pairs again (`restart`); a feed that ended for
// any other reason reconnects with backoff (`retry`).
export function feedHandlers(screen, field, { markOnline, restart, retry }) {
  return {
    onNext: (payload) => {
      screen.live.lastMessage = Date.now();
      if (payload.data?.[field]) {
        screen.live.attempt = 0;
        screen.saved().day = payload.data[field];
        screen.save();
        markOnline();
      } else if (errorCode(payload) === "UNAUTHENTICATED") {
        restart();
      }
    },
    onEnd: (reason) => {
      screen.live.stop = null;
      if (reason.cancelled) return;
      if (reason.errors && errorCode({ errors: reason.errors }) === "UNAUTHENTICATED") { restart(); return; }
      retry();
    },
  };
}
