"""The benchmark of issue 8 (`make bench`): settings, URLconf and middleware used only by it.

Nothing here is imported by the site: kyodo_portal's settings and URLconf never name ``bench``.
"""
