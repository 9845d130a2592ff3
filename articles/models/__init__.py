from .accounts import AccountIndexPage, PublishingAccount
from .article import ArticleAuthor, ArticlePage, ArticlePageTag
from .section import SectionPage

__all__ = [
    "AccountIndexPage",
    "ArticleAuthor",
    "ArticlePage",
    "ArticlePageTag",
    "PublishingAccount",
    "SectionPage",
]
