from django.core.management.base import BaseCommand, CommandError
from modelsearch.backends import get_search_backend

from search.outbox import pending_count, replay_all_missed


class Command(BaseCommand):
    help = (
        "把搜索引擎不可用期间错过的索引更新补发给它（Celery beat 每分钟也会做一次）；"
        "仍有未补发的更新时以非零状态退出。"
    )

    def handle(self, *args, **options):
        backend = get_search_backend("default")
        before = pending_count()
        done = replay_all_missed(backend)
        left = pending_count()
        self.stdout.write(f"待补索引更新 {before} 条：已补发 {done} 条，剩余 {left} 条。")
        if left:
            raise CommandError(
                "仍有索引更新未能补发（搜索引擎不可用，或拒绝了其中的文档；见日志）。"
            )
