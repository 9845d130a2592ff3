"""Editors and moderators (not only superusers) manage the dictionary and promoted results."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from search.models import DictionaryWord, SynonymGroup

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("group", ["编辑", "审核员"])
def test_a_group_member_manages_search_words_and_promotions(client, portal, group):
    user = get_user_model().objects.create_user(username="xiaowang", password="x")
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    for url in [
        "/admin/snippets/search/dictionaryword/",
        "/admin/snippets/search/dictionaryword/add/",
        "/admin/snippets/search/synonymgroup/add/",
        reverse("wagtailsearchpromotions:index"),
        reverse("wagtailsearchpromotions:add"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    response = client.post("/admin/snippets/search/dictionaryword/add/", {"word": "红船精神"})
    assert response.status_code == 302
    assert DictionaryWord.objects.filter(word="红船精神").exists()


def test_other_users_still_cannot(client, portal):
    """A user of the admin in no such group (a 三审 reviewer only, say) is refused."""
    user = get_user_model().objects.create_user(username="reader", password="x")
    user.groups.add(Group.objects.create(name="仅审稿"))
    client.force_login(user)
    response = client.post("/admin/snippets/search/dictionaryword/add/", {"word": "红船精神"})
    assert response.status_code in (302, 403)
    assert not DictionaryWord.objects.exists()


def test_the_word_lists_can_be_searched_as_typed(admin_client, portal):
    """A long dictionary needs a search box; 紅船 typed finds the 红船 rows (stored normalised),
    a word inside a longer one is found, and the others are not listed."""
    DictionaryWord.objects.bulk_create(
        [
            DictionaryWord(word="红船精神"),
            DictionaryWord(word="红船"),
            DictionaryWord(word="三全育人"),
        ]
    )
    SynonymGroup.objects.bulk_create(
        [SynonymGroup(words="思政，思想政治"), SynonymGroup(words="ai，人工智能")]
    )
    response = admin_client.get("/admin/snippets/search/dictionaryword/", {"q": "紅船"})
    assert response.status_code == 200
    listed = [str(word) for word in response.context["object_list"]]
    assert sorted(listed) == ["红船", "红船精神"]
    response = admin_client.get("/admin/snippets/search/synonymgroup/", {"q": "ＡＩ"})
    assert [group.words for group in response.context["object_list"]] == ["ai，人工智能"]
