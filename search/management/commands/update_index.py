from django.core.management.base import CommandError
from modelsearch.backends import get_search_backend
from modelsearch.management.commands.rebuild_modelsearch_index import Command as Rebuild


class Command(Rebuild):
    """Wagtail's update_index (modelsearch's rebuild), with an engine that cannot serve
    (SEARCH_URL unreachable, timing out, answering 503) said in one line, not a 100-line
    traceback of opensearch-py's; the other backends (the database one readers fall back
    on) are still rebuilt, and the command ends with a non-zero status."""

    def handle(self, **options):
        self.unavailable = []
        super().handle(**options)
        if self.unavailable:
            raise CommandError(
                f"搜索后端 {'、'.join(self.unavailable)} 的索引未更新：SEARCH_URL 所指的搜索引擎"
                "无法使用（未启动、无法连接或超时）。引擎恢复后请重新运行 manage.py update_index。"
            )

    def update_backend(self, backend_name, **kwargs):
        backend = get_search_backend(backend_name)
        try:
            super().update_backend(backend_name, **kwargs)
        except Exception as exc:
            if not getattr(backend, "engine_unavailable", lambda exc: False)(exc):
                raise
            self.print_newline()
            self.stderr.write(f"{backend_name}: 搜索引擎无法使用（{exc.__class__.__name__}）")
            self.unavailable.append(backend_name)
