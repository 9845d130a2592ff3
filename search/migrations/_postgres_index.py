"""A PostgreSQL-only index, built CONCURRENTLY, as a migration operation (a no-op on SQLite).
Django's migration loader skips this module: its name starts with an underscore."""

from django.db import migrations


def postgres_index(name: str, app_label: str, model_name: str, definition: str):
    """RunPython creating `CREATE INDEX CONCURRENTLY name ON <model's table> definition`.
    The migration using it must set `atomic = False`."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = apps.get_model(app_label, model_name)._meta.db_table
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON "{table}" {definition}'
        )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")

    return migrations.RunPython(create, drop, elidable=False)
