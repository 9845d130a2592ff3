from django.core.management.base import BaseCommand
from wagtail.models import Site

from articles.workflow import STAGES, WORKFLOW_NAME, ensure_review_workflow


class Command(BaseCommand):
    help = (
        "建立三审（文章三审工作流与初审、复审、终审编辑组），用于每个站点；可重复运行，"
        "新增站点后再运行一次，审核组即可审核该站点的文章。"
    )

    def handle(self, *args, **options):
        homes = [site.root_page for site in Site.objects.select_related("root_page")]
        # A workflow an operator gave a site (or the root) is kept: this runs on every start.
        _, reviewed = ensure_review_workflow(homes, keep_others=True)
        groups = "、".join(group for _, group in STAGES)
        kept = len(homes) - len(reviewed)
        self.stdout.write(
            self.style.SUCCESS(
                f"三审已就绪：工作流“{WORKFLOW_NAME}”用于 {len(reviewed)} 个站点及以后新增的站点"
                + (
                    f"（另有 {kept} 个站点保留自己的工作流，审核组不获得其页面权限）"
                    if kept
                    else ""
                )
                + f"；审核组 {groups}（在 设置 → 用户 中把审核人加入这些组）"
            )
        )
