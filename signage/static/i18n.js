// English, Danish and German words of the display.
const WORDS = {
  en: {
    FREE: "Free", BUSY: "Busy", STARTING_SOON: "Starting soon",
    freeAllDay: "Free for the rest of the day", until: "until {time}", startsAt: "Next meeting at {time}",
    busyUntil: "Busy until {time}", freeUntil: "Free until {time}", soonAt: "Meeting starts at {time}",
    today: "Today", nothingToday: "No more meetings today", pairTitle: "Pair this display",
    pairHelp: "In Transom's admin, open Displays and enter this code:",
    offlineSince: "Offline since {time}", staleSince: "Calendar may be out of date (since {time})", privateMeeting: "Private meeting", busyMeeting: "Busy",
    bookFor: "Book {minutes} min", bookNow: "Book now", endNow: "End now", checkIn: "Check in",
    extend: "Extend 15 min", pending: "Waiting for Exchange…", declined: "Declined by Exchange",
    confirmed: "Confirmed", checkedIn: "Checked in", cancelled: "Cancelled", bookedAtDoor: "Booked at the door",
    checkInBy: "Check in by {time} or the room is released", failed: "That did not work: {reason}",
    extending: "Extending to {time}: waiting for Exchange…", extended: "Extended to {time}",
    notExtended: "Not extended: {reason}",
  },
  da: {
    FREE: "Ledigt", BUSY: "Optaget", STARTING_SOON: "Starter snart",
    freeAllDay: "Ledigt resten af dagen", until: "indtil {time}", startsAt: "Næste møde kl. {time}",
    busyUntil: "Optaget indtil {time}", freeUntil: "Ledigt indtil {time}", soonAt: "Mødet starter kl. {time}",
    today: "I dag", nothingToday: "Ikke flere møder i dag", pairTitle: "Par denne skærm",
    pairHelp: "Åbn Skærme i Transoms administration, og indtast denne kode:",
    offlineSince: "Offline siden {time}", staleSince: "Kalenderen er måske ikke opdateret (siden {time})", privateMeeting: "Privat møde", busyMeeting: "Optaget",
    bookFor: "Book {minutes} min", bookNow: "Book nu", endNow: "Afslut nu", checkIn: "Tjek ind",
    extend: "Forlæng 15 min", pending: "Venter på Exchange…", declined: "Afvist af Exchange",
    confirmed: "Bekræftet", checkedIn: "Tjekket ind", cancelled: "Aflyst", bookedAtDoor: "Booket ved døren",
    checkInBy: "Tjek ind senest kl. {time}, ellers frigives lokalet", failed: "Det lykkedes ikke: {reason}",
    extending: "Forlænges til {time}: venter på Exchange…", extended: "Forlænget til {time}",
    notExtended: "Ikke forlænget: {reason}",
  },
  de: {
    FREE: "Frei", BUSY: "Belegt", STARTING_SOON: "Beginnt gleich",
    freeAllDay: "Für den Rest des Tages frei", until: "bis {time}", startsAt: "Nächstes Meeting um {time}",
    busyUntil: "Belegt bis {time}", freeUntil: "Frei bis {time}", soonAt: "Meeting beginnt um {time}",
    today: "Heute", nothingToday: "Heute keine weiteren Meetings", pairTitle: "Diese Anzeige koppeln",
    pairHelp: "Öffnen Sie in der Transom-Verwaltung „Anzeigen“ und geben Sie diesen Code ein:",
    offlineSince: "Offline seit {time}", staleSince: "Kalender evtl. nicht aktuell (seit {time})", privateMeeting: "Privates Meeting", busyMeeting: "Belegt",
    bookFor: "{minutes} Min. buchen", bookNow: "Jetzt buchen", endNow: "Jetzt beenden", checkIn: "Einchecken",
    extend: "15 Min. verlängern", pending: "Warte auf Exchange…", declined: "Von Exchange abgelehnt",
    confirmed: "Bestätigt", checkedIn: "Eingecheckt", cancelled: "Abgesagt", bookedAtDoor: "An der Tür gebucht",
    checkInBy: "Bis {time} einchecken, sonst wird der Raum freigegeben", failed: "Das hat nicht geklappt: {reason}",
    extending: "Verlängerung bis {time}: warte auf Exchange…", extended: "Verlängert bis {time}",
    notExtended: "Nicht verlängert: {reason}",
  },
};

let language = "en";

export function setLanguage(code) {
  language = WORDS[code] ? code : "en";
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
}

export function t(key, values = {}) {
  const text = WORDS[language][key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

export function clockTime(date, timeZone) {
  return new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone })
    .format(date);
}
