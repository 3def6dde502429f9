"""Calendar loops: keeping each room's and person's calendar equal to Exchange.

- ``loop``: :class:`CalendarLoop`, delta rounds, notifications, statuses, backoff;
  ``rooms`` and ``people``: what a room's and a person's loop make of a page.
- ``room_changes``: a room's calendar items applied to its bookings (one booking
  per Exchange event, with ``outbox.claims``); ``subjects``, ``organizers``.
- ``subscriptions``: Graph change-notification subscriptions, verified and
  recreated; ``state``: each mailbox's sync state row; ``sync_log``: warnings
  that clear when their cause is gone; ``round_limiter``: changes first.
"""
