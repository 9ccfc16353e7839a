from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's tools: only the seed_bench command is registered (no models, no URLs,
    no middleware; bench/settings.py and bench/urls.py are used by `make bench` alone)."""

    name = "bench"
    verbose_name = "ベンチマーク"
