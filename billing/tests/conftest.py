"""The fake KRA eTIMS server and the settings pointing at it, shared with the etims app's tests."""

from etims.tests.conftest import etims_server, etims_settings

__all__ = ["etims_server", "etims_settings"]
