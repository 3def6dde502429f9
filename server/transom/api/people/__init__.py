"""People: the directory, calendar connections and availability."""
