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
    now: "Now", next: "Next", nothingNext: "Nothing more today", endsIn: "Ends in {left}",
    freeFor: "Free for {left}", startsIn: "Starts in {left}", bookUntil: "Until {time}",
    minutes: "{m} min", hoursMinutes: "{h} h {m} min", hours: "{h} h", span: "{start}–{end}",
    takenInExchange: "Taken in Exchange", yourBookingDeclined: "Your booking was declined by Exchange",
    heldBy: "Held by {who} until {time}", heldFor: "Taken for “{subject}” until {time}", heldUnknown: "Someone else holds the room in Exchange. Checking who…",
    anotherMeeting: "another meeting", aPrivateMeeting: "a private meeting",
    releaseIn: "Check in within {left} or the room is released",
    nearby: "Free rooms nearby", nearbyNone: "No free rooms nearby right now",
    nearbyFreeFor: "free for {left}", nearbyFreeAllDay: "free all day", floor: "floor {floor}",
    thisFloor: "this floor", seats: "{n} seats",
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
    now: "Nu", next: "Næste", nothingNext: "Ikke flere møder i dag", endsIn: "Slutter om {left}",
    freeFor: "Ledigt i {left}", startsIn: "Starter om {left}", bookUntil: "Til {time}",
    minutes: "{m} min", hoursMinutes: "{h} t {m} min", hours: "{h} t", span: "{start}–{end}",
    takenInExchange: "Optaget i Exchange", yourBookingDeclined: "Din booking blev afvist af Exchange",
    heldBy: "Optaget af {who} til {time}", heldFor: "Optaget til “{subject}” indtil {time}", heldUnknown: "En anden har lokalet i Exchange. Undersøger hvem…",
    anotherMeeting: "et andet møde", aPrivateMeeting: "et privat møde",
    releaseIn: "Tjek ind inden for {left}, ellers frigives lokalet",
    nearby: "Ledige lokaler i nærheden", nearbyNone: "Ingen ledige lokaler i nærheden lige nu",
    nearbyFreeFor: "ledigt i {left}", nearbyFreeAllDay: "ledigt resten af dagen", floor: "{floor}. sal",
    thisFloor: "denne etage", seats: "{n} pladser",
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
    now: "Jetzt", next: "Als Nächstes", nothingNext: "Heute keine weiteren Meetings", endsIn: "Endet in {left}",
    freeFor: "Frei für {left}", startsIn: "Beginnt in {left}", bookUntil: "Bis {time}",
    minutes: "{m} Min.", hoursMinutes: "{h} Std. {m} Min.", hours: "{h} Std.", span: "{start}–{end}",
    takenInExchange: "In Exchange belegt", yourBookingDeclined: "Ihre Buchung wurde von Exchange abgelehnt",
    heldBy: "Belegt von {who} bis {time}", heldFor: "Belegt für „{subject}“ bis {time}", heldUnknown: "Jemand anderes hat den Raum in Exchange. Wir prüfen, wer…",
    anotherMeeting: "ein anderes Meeting", aPrivateMeeting: "ein privates Meeting",
    releaseIn: "Innerhalb von {left} einchecken, sonst wird der Raum freigegeben",
    nearby: "Freie Räume in der Nähe", nearbyFreeFor: "frei für {left}",
    nearbyNone: "Gerade keine freien Räume in der Nähe", nearbyFreeAllDay: "den ganzen Tag frei",
    floor: "Etage {floor}", thisFloor: "diese Etage", seats: "{n} Plätze",
  },
};

let current = "en";

export function language() { return current; }

export function setLanguage(code) {
  current = WORDS[code] ? code : "en";
  document.documentElement.lang = current;
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
}

export function t(key, values = {}) {
  const text = WORDS[current][key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

export function clockTime(date, timeZone) {
  return new Intl.DateTimeFormat(current, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone })
    .format(date);
}
