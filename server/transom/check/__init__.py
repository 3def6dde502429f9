"""``transom check``: is this installation able to work, and if not, what to fix.

``findings`` holds the result type; ``local`` checks what this process owns
(configuration, database and migrations, the secret key against the stored
tenant secrets, the asset folders, the event bus), which ``/readyz`` runs too;
``tenants`` makes one real Graph call per permission each tenant's features
need; ``run`` puts them together for the command line.
"""

from transom.check.findings import Finding
from transom.check.run import run_check

__all__ = ["Finding", "run_check"]
