import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importer import FileRefused, ImportInterrupted, LineOutcome, import_file


def progress_interval(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(
            f"应为不小于 0 的整数（0 表示不报告进度），实际是 {text!r}"
        )
    return value


class Command(BaseCommand):
    help = "从 JSON Lines 文件导入文章（格式见 README）；按 id 幂等，坏行逐行报告。"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="一个或多个 .jsonl 文件")
        parser.add_argument(
            "--progress-every",
            type=progress_interval,
            default=100,
            help="每导入多少行报告一次进度；0 表示不报告进度",
        )
        parser.add_argument(
            "--restore-deleted",
            action="store_true",
            help="重新创建编辑已删除的文章（默认跳过这些 id，以免删除的文章被再次发布）",
        )

    def handle(self, *args, files, progress_every, restore_deleted, **options):
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:  # every line failed with "no such table …", once per line
            raise CommandError(
                f"数据库还有 {len(pending)} 个迁移未执行：请先运行 manage.py migrate，再导入"
            )
        failed = imported = 0
        for path in files:
            if not path.is_file():
                raise CommandError(f"找不到文件：{path}")
            self.stdout.write(f"导入 {path} …")

            def progress(done: int, total: int, outcome: LineOutcome, path=path) -> None:
                for warning in outcome.warnings:
                    self.stdout.write(self.style.WARNING(f"{path}:{outcome.lineno}: {warning}"))
                if outcome.status == "failed":
                    self.stderr.write(
                        self.style.ERROR(f"{path}:{outcome.lineno}: {outcome.message}")
                    )
                if progress_every and (done == total or done % progress_every == 0):
                    self.stdout.write(f"  进度 {done}/{total}（{done * 100 // max(total, 1)}%）")

            try:
                report = import_file(path, progress=progress, restore_deleted=restore_deleted)
            except FileRefused as refused:
                raise CommandError(f"{path}：{refused}") from None
            except ImportInterrupted as stop:
                done = stop.report.outcomes
                upto = "尚未导入任何行"
                if done:
                    upto = f"第 {done[-1].lineno} 行及之前的行已处理，之后的行未导入"
                raise CommandError(
                    f"已中断：{path} {upto}（进行中的一批未保存）。"
                    "再次运行同一命令即可继续，已导入的行会报告为未变。",
                    returncode=130,
                ) from None
            failed += report.count("failed")
            imported += len(report.outcomes) - report.count("failed")
            if report.index_error:
                self.stdout.write(
                    self.style.WARNING(
                        f"{path}: 搜索索引未能更新（{report.index_error}）。文章已导入；"
                        "搜索引擎不可用时记下的更新会在它恢复后自动补上，"
                        "也可稍后运行 manage.py update_index"
                    )
                )
            self.stdout.write(
                f"完成：新建 {report.count('created')}，更新 {report.count('updated')}，"
                f"未变 {report.count('unchanged')}，跳过 {report.count('skipped')}，"
                f"失败 {report.count('failed')}"
            )
        if failed:
            rest = "其余各行已导入" if imported else "没有一行导入成功"
            raise CommandError(f"共有 {failed} 行导入失败（见上方行号与原因），{rest}。")
