from tests.absences.harness import hr_world_sync, world

__all__ = ["hr_world_sync", "world"]
