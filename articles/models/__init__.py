from .accounts import AccountIndexPage, PublishingAccount
from .article import ArticleAuthor, ArticlePage, ArticlePageTag, DeletedImport
from .comments import Comment, SensitiveWord
from .feeds import ArticleViewCount, FeaturedSlot
from .section import SectionPage

__all__ = [
    "AccountIndexPage",
    "ArticleAuthor",
    "ArticlePage",
    "ArticlePageTag",
    "ArticleViewCount",
    "Comment",
    "DeletedImport",
    "FeaturedSlot",
    "PublishingAccount",
    "SectionPage",
    "SensitiveWord",
]
