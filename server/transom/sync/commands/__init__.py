"""The commands the API calls: domain change + outbox row, or inline Graph work.

- ``service``: :class:`SyncService`, what ``api.context.SyncCommands`` names
  (connect a tenant, import and link rooms, directory and calendars, wake loops).
- ``bookings``, ``absences``, ``outbox``: bookings, absences and outbox rows
  changed in the caller's transaction, the Graph writes enqueued with them.
- ``linking``, ``rooms_import``: linking room mailboxes, importing rooms.
"""
