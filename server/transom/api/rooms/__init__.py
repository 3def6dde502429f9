"""Rooms: the room type and queries, admin edits, mailbox links, live snapshots, usage analytics."""
