from tests.analytics.conftest import kpi_data  # noqa: F401 - the hand-built data set, shared
