from .accounts import AccountIndexPage, PublishingAccount
from .article import ArticleAuthor, ArticlePage, ArticlePageTag
from .feeds import ArticleViewCount, FeaturedSlot
from .section import SectionPage

__all__ = [
    "AccountIndexPage",
    "ArticleAuthor",
    "ArticlePage",
    "ArticlePageTag",
    "ArticleViewCount",
    "FeaturedSlot",
    "PublishingAccount",
    "SectionPage",
]
