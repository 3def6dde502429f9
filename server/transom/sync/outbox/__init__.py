"""The durable outbox of Graph writes (see ``worker`` for the state machine).

- ``worker``: :class:`OutboxWorker`, claiming and running booking writes;
  ``absences``: the bulk writer of absences into Outlook (``$batch``).
- ``handlers``, ``extend``, ``release``: what each kind of write does in Graph;
  ``jobs``: what a handler receives and returns; ``settle``: recording results.
- ``claims``: one booking per Exchange event, shared with the delta rounds;
  ``leases``: claimed rows kept alive while they run; ``policy``: backoff and
  giving up; ``held``: writes parked while a tenant's credentials fail.
"""
