from hypothesis import HealthCheck, settings

# Property-based tests (hypothesis): modest example counts so the suite stays fast (it runs on
# PostgreSQL and SQLite in CI); HYPOTHESIS_PROFILE=thorough for a longer hunt. No example
# database in the checkout.
settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def pytest_configure(config):
    import os

    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
