import os

from django.core.management.base import BaseCommand, CommandError

from articles.demo import ensure_admin, load_demo


class Command(BaseCommand):
    help = "建立演示站点（全国门户与一所院校）、栏目、育人号和示例文章；可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--no-admin", action="store_true", help="不创建管理员账号")
        parser.add_argument(
            "--port",
            type=int,
            default=80,
            help="门户对外服务的端口（站点记录据此写出 RSS、站点地图和分享链接中的地址）",
        )

    def handle(self, *args, no_admin=False, port=80, **options):
        if not 1 <= port <= 65535:
            raise CommandError(f"端口 {port} 无效：应为 1–65535")
        counts = load_demo(port)
        if counts is None:
            self.stdout.write(
                "演示站点已建好：站点设置、栏目、育人号和文章保持编辑修改后的样子，"
                f"只更新了站点端口（{port}）。"
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示内容已就绪：示例文章新建 {counts['created']}，更新 {counts['updated']}，"
                    f"未变 {counts['unchanged']}"
                    + (f"，编辑正在修改而未更新 {counts['kept']}" if counts["kept"] else "")
                )
            )
        if no_admin:
            return
        username, password = ensure_admin(password=os.environ.get("PORTAL_ADMIN_PASSWORD"))
        if password:
            self.stdout.write(self.style.SUCCESS(f"管理员账号：{username}  密码：{password}"))
        else:
            self.stdout.write(f"管理员账号 {username} 已存在，密码未改动。")
