from tests.sync.outbox_harness import booking_world, world

__all__ = ["booking_world", "world"]  # door actions through the outbox
