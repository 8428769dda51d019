"""The staff commands' tests use the broadcast fixtures (catalogs, the fake Bot API)."""

from tests.broadcast.conftest import catalogs, fake

__all__ = ["catalogs", "fake"]
