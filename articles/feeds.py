"""Article lists shown on home and section pages (the algorithmic feeds come later)."""

from dataclasses import dataclass, field

from wagtail.models import Page

from .models import ArticlePage, SectionPage


@dataclass
class SectionBlock:
    section: SectionPage
    featured: ArticlePage | None
    latest: list[ArticlePage] = field(default_factory=list)


def section_blocks_for_home(home: Page, per_section: int) -> list[SectionBlock]:
    """For each top-level 栏目 of a site: its featured article and its latest articles."""
    blocks = []
    for section in home.get_children().live().public().type(SectionPage).specific():
        articles = ArticlePage.objects.for_listing().descendant_of(section)
        featured = articles.filter(is_featured=True).select_related("cover_image").first()
        latest = articles.exclude(pk=getattr(featured, "pk", None))[:per_section]
        blocks.append(SectionBlock(section=section, featured=featured, latest=list(latest)))
    return blocks
