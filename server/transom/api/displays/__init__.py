"""Door displays: admin management, pairing, what people do at the door, what a display may show."""
