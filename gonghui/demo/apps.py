from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of every app (``manage.py load_demo``). It imports every domain app; nothing imports
    it: an app's own demo rows live in ``<app>/demo_data.py``, which the loader finds by walking the
    installed apps."""

    name = "gonghui.demo"
    verbose_name = "演示数据"
