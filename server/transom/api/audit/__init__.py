"""The audit log: recording every admin change (recorder), reading it
(``auditLog``) and exporting it as CSV (``/admin/audit.csv``)."""
