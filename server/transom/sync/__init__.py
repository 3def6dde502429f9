"""The sync engine: Exchange -> Transom (mailbox loops, webhooks) and its scheduling.

Modules: ``credentials`` (a Graph client per tenant), ``connection`` (tenant
connection status), ``linking`` / ``rooms_import`` (rooms <-> mailboxes),
``state`` (per-mailbox persisted state), ``apply`` (room-calendar events ->
bookings), ``mailbox`` (one loop per linked room), ``supervisor`` (which loops
run), ``webhooks`` (Graph change notifications), ``service`` (the commands the
API calls).
"""
