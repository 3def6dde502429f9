"""The sync engine: Exchange -> Transom (mailbox loops, webhooks) and its scheduling.

Modules: ``env`` (what the engine shares: settings, sessions, bus, Graph clients
per tenant), ``credentials`` (a Graph client from a tenant's stored secret),
``connection`` (tenant connection status), ``linking`` / ``rooms_import`` (rooms
<-> mailboxes), ``state`` (per-mailbox persisted state), ``organizers`` (who is
anonymous), ``subjects`` (real subjects for rewriting rooms), ``apply``
(room-calendar events -> bookings), ``mailbox`` (one loop per linked room),
``subscriptions`` (Graph change-notification subscriptions), ``supervisor``
(which loops run; also runs the outbox worker), ``webhooks`` (``/webhooks/graph``),
``service`` (the commands the API calls). The outbox of Graph writes lives in
``outbox*`` / ``*_writes`` modules.
"""
