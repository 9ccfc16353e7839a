"""The bigram function of 0007 without DISTINCT (duplicates change neither ``@>`` nor the GIN
keys, so the indexes stay valid) and upper-casing once rather than once per position. It runs per
row when PostgreSQL walks the directory's order index and filters (a common keyword such as 福祉).
PostgreSQL only; nothing on SQLite."""

from django.db import migrations

CHEAPER = """
CREATE OR REPLACE FUNCTION cso_registry_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT COALESCE(array_agg(substr(upper_value, position, 2)), '{}')
    FROM (SELECT upper(value) AS upper_value) AS upper_cased,
        generate_series(1, char_length(value) - 1) AS position
$$
"""

ORIGINAL = """
CREATE OR REPLACE FUNCTION cso_registry_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT COALESCE(array_agg(DISTINCT substr(upper(value), position, 2)), '{}')
    FROM generate_series(1, char_length(value) - 1) AS position
$$
"""


def replace_with(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cso_registry", "0007_keyword_bigram_and_directory_indexes"),
    ]

    operations = [migrations.RunPython(replace_with(CHEAPER), replace_with(ORIGINAL))]
