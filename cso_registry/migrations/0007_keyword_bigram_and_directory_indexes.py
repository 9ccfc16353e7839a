"""PostgreSQL indexes for the public directory at national scale (issue 8); nothing on SQLite.

The keyword search is ``icontains`` over name, furigana and description, and Japanese keywords
are often two characters (福祉, 環境, 子育). pg_trgm cannot serve them: a two-character pattern
yields no trigram to look up, and in this database's C.UTF-8 locale pg_trgm counts only ASCII
letters and digits as word characters, so it indexes no kanji or kana at all. Instead each column
gets a GIN index over the *set of its upper-cased character bigrams* (``cso_registry_bigrams``):
a row contains the keyword only if its bigram set contains all the keyword's bigrams, so
``bigrams(column) @> bigrams(keyword)`` finds the candidates from the index, and for a keyword
of exactly two characters it is already exact. ``CSOFilter.filter_keyword`` adds that condition
on PostgreSQL (and keeps ``icontains`` for the exact match of longer keywords).

The indexes are partial (``status = 'published'``): every public query filters on it, and a
count over a partial GIN index needs no heap check of the status.

The directory's order (furigana, id) of the published CSOs gets a partial btree, so a page is an
index range scan rather than a sort of every published CSO.
"""

from django.db import migrations

BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION cso_registry_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT COALESCE(array_agg(DISTINCT substr(upper(value), position, 2)), '{}')
    FROM generate_series(1, char_length(value) - 1) AS position
$$
"""

INDEXES = {
    "cso_published_name_bigrams": "USING gin (cso_registry_bigrams(name))",
    "cso_published_furigana_bigrams": "USING gin (cso_registry_bigrams(furigana))",
    "cso_published_description_bigrams": "USING gin (cso_registry_bigrams(description))",
    "cso_published_directory_order": "(furigana, id)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BIGRAMS_FUNCTION)
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cso_registry_cso {definition} "
            "WHERE status = 'published'"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS cso_registry_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("cso_registry", "0006_cso_version"),
    ]

    operations = [migrations.RunPython(create, drop)]
