import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site

from articles.models import ArticlePage, PublishingAccount, SectionPage
from tests.factories import edit_as

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
    assert "演示站点已建好" in capsys.readouterr().out
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


def test_load_demo_keeps_an_editors_draft_of_a_sample_article(capsys, monkeypatch):
    from django.contrib.auth import get_user_model

    from articles import demo

    call_command("load_demo", "--no-admin")
    article = ArticlePage.objects.get(external_id="demo-001")
    editor = get_user_model().objects.create_superuser("bianji", password="x" * 12)
    revision = edit_as(editor, article, title="编辑正在改的标题")
    changed = [dict(demo.SAMPLE_ARTICLES[0], summary="新版演示摘要"), *demo.SAMPLE_ARTICLES[1:]]
    monkeypatch.setattr(demo, "SAMPLE_ARTICLES", changed)  # a newer release's demo text
    capsys.readouterr()
    call_command("load_demo", "--no-admin")  # was a LineError traceback, everything rolled back
    assert "演示站点已建好" in capsys.readouterr().out
    article.refresh_from_db()
    assert article.latest_revision_id == revision.pk
    assert article.summary != "新版演示摘要"


def test_a_restart_keeps_what_editors_changed_in_the_demo(capsys):
    """scripts/run.sh runs load_demo on every start: it put back the demo 站点设置, 育人号 and
    articles, and a renamed demo 育人号 stopped the portal from starting (IntegrityError)."""
    from home.models import PortalSiteSettings

    call_command("load_demo", "--no-admin", "--port", "8000")
    school = Site.objects.get(hostname="jxvtc.localhost")
    settings = PortalSiteSettings.for_site(school)
    settings.slogan = "编辑改过的标语"
    settings.save()
    PublishingAccount.objects.filter(slug="editorial").update(name="思政网编辑部（更名）")
    section = SectionPage.objects.get(title="理论研究")
    section.title, section.show_in_menus = "理论前沿", False
    section.save_revision().publish()
    sample = ArticlePage.objects.get(external_id="demo-003")
    sample.title = "编辑改过的示例标题"
    sample.save_revision().publish()
    call_command("load_demo", "--no-admin", "--port", "8000")
    assert PortalSiteSettings.for_site(school).slogan == "编辑改过的标语"
    assert PublishingAccount.objects.get(slug="editorial").name == "思政网编辑部（更名）"
    assert not SectionPage.objects.filter(title="理论研究").exists()
    assert not SectionPage.objects.get(title="理论前沿").show_in_menus
    assert ArticlePage.objects.get(external_id="demo-003").title == "编辑改过的示例标题"


def test_load_demo_keeps_a_workflow_an_operator_gave_a_demo_site(capsys):
    """scripts/run.sh runs load_demo on every start: it put the demo sites back under 文章三审
    and gave the shared review groups their permissions back."""
    from wagtail.models import GroupPagePermission, Task, Workflow, WorkflowPage, WorkflowTask

    call_command("load_demo")
    school = Site.objects.get(hostname="jxvtc.localhost").root_page
    own = Workflow.objects.create(name="学院两审")
    WorkflowTask.objects.create(workflow=own, task=Task.objects.create(name="学院初审"))
    WorkflowPage.objects.update_or_create(page=school, defaults={"workflow": own})
    GroupPagePermission.objects.filter(page=school, group__name__endswith="审编辑").delete()
    call_command("load_demo")
    assert WorkflowPage.objects.get(page=school).workflow == own
    assert not GroupPagePermission.objects.filter(page=school, group__name__endswith="审编辑")


def test_load_demo_sites_say_the_port_the_portal_is_served_on(client):
    """scripts/run.sh serves on 8000: the demo's RSS, sitemap and share links must say so
    (they said http://localhost/…, which opens nothing)."""
    call_command("load_demo", "--no-admin", "--port", "8000")
    # Served at 8000 first: Wagtail caches the sites' root URLs for an hour.
    assert 'href="http://localhost:8000/"' in client.get("/", HTTP_HOST="localhost:8000").text
    call_command("load_demo", "--no-admin", "--port", "8001")  # PORTAL_PORT changed: moved
    demo = Site.objects.filter(hostname__in=["localhost", "jxvtc.localhost"])
    assert sorted(demo.values_list("hostname", "port")) == [
        ("jxvtc.localhost", 8001),
        ("localhost", 8001),
    ]
    article = ArticlePage.objects.live().descendant_of(demo.get(hostname="localhost").root_page)
    assert article.first().full_url.startswith("http://localhost:8001/")
    sitemap = client.get("/sitemap.xml", HTTP_HOST="localhost:8001").content.decode()
    assert "<loc>http://localhost:8001/sitemap-" in sitemap and "http://localhost/" not in sitemap
    school = client.get("/", HTTP_HOST="jxvtc.localhost:8001").content.decode()
    assert 'href="http://localhost:8001/"' in school  # its footer link to the portal
    home = client.get("/", HTTP_HOST="localhost:8001").text
    assert '<link rel="canonical" href="http://localhost:8001/">' in home


def test_load_demo_refuses_a_port_that_cannot_be():
    sites = list(Site.objects.values_list("hostname", "port"))
    with pytest.raises(CommandError, match="端口 0 无效"):
        call_command("load_demo", "--no-admin", "--port", "0")
    assert list(Site.objects.values_list("hostname", "port")) == sites
    assert not ArticlePage.objects.exists()
