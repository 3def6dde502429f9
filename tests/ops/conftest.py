from __future__ import annotations

import pytest

from tests.ops.installed import InstalledTransom, build_and_install


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> InstalledTransom:
    """One wheel, built and installed once for every test that needs it."""
    return build_and_install(tmp_path_factory.mktemp("installed"))
