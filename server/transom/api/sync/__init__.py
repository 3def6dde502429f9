"""Sync with Microsoft 365: status and health per mailbox, writes waiting in the outbox."""
