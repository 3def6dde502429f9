from tests.availability.harness import people_world_sync, world

__all__ = ["people_world_sync", "world"]
