"""Reference rows an app seeds (sources, posts, kinds …) kept present after every ``migrate`` *and* every
``flush``: a data migration runs once, but a flush (``manage.py flush``, every transactional test) empties
the tables and only re-emits ``post_migrate``. Seeds are idempotent (get-or-create by code), so running
one again leaves a federation's renames and additions as they are."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def seed_after_migrate(app_config: AppConfig, model_name: str, seed: Callable[[object], object]) -> None:
    """Run ``seed(apps)`` after each migrate/flush of ``app_config``'s database, once its
    ``model_name`` table exists (a migration back to zero leaves nothing to seed)."""

    def handler(sender, app_config: AppConfig, using: str = "default", apps=None, **kwargs) -> None:
        from django.apps import apps as global_apps

        apps = apps or global_apps
        try:
            model = apps.get_model(app_config.label, model_name)
        except LookupError:  # the app's migrations are not applied that far
            return
        if model._meta.db_table in connections[using].introspection.table_names():
            seed(apps)

    post_migrate.connect(handler, sender=app_config, weak=False, dispatch_uid=f"seed:{app_config.label}")
