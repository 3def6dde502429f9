"""Pure domain rules and value types: stdlib only, no I/O."""
