import pytest
from django.core.management import call_command
from wagtail.models import Site

from articles.models import ArticlePage, PublishingAccount, SectionPage

pytestmark = pytest.mark.django_db


def test_load_demo_builds_two_sites_and_is_idempotent(client, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "管理员账号：admin  密码：" in first
    counts = (
        Site.objects.count(),
        SectionPage.objects.count(),
        ArticlePage.objects.count(),
        PublishingAccount.objects.count(),
    )
    call_command("load_demo")
    assert "未变 6" in capsys.readouterr().out
    assert counts == (
        Site.objects.count(),
        SectionPage.objects.count(),
        ArticlePage.objects.count(),
        PublishingAccount.objects.count(),
    )
    party = SectionPage.objects.get(title="喜迎党代会")
    assert [p.title for p in party.get_ancestors().filter(depth__gt=2)] == ["典型经验", "党建统战"]
    national = client.get("/", HTTP_HOST="localhost").content.decode()
    school = client.get("/", HTTP_HOST="jxvtc.localhost").content.decode()
    assert "全国高校思想政治工作网" in national and "学校要闻" not in national
    assert "学校要闻" in school and "京ICP备" not in school
