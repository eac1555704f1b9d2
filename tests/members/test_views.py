"""The member list page (chibo.members.views.list_view): its count and its search."""

from django.conf import settings
from django.urls import reverse

from chibo.members import views


def count_line(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    start = html.index('data-testid="result-count">') + len('data-testid="result-count">')
    return html[start : html.index("</p>", start)]


def test_a_search_is_counted_up_to_its_own_cap_and_asks_to_be_narrowed(client_for, monkeypatch):
    # given a search cap of 1 and a search that finds two members
    monkeypatch.setattr(views, "TEXT_COUNT_CAP", 1)
    client = client_for("olga")
    # then the page says so, in Vietnamese by default and in English when chosen
    response = client.get(reverse("members:list"), {"q": "nguyen"})
    assert count_line(response) == "Hơn 1 đảng viên phù hợp; hãy thu hẹp tìm kiếm."
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("members:list"), {"q": "nguyen"})
    assert count_line(response) == "More than 1 members match; narrow the search."
    # and the rows of the first page are still listed
    assert "Nguyễn Văn Đức" in response.content.decode()


def test_a_plain_list_keeps_the_larger_cap(client_for, monkeypatch):
    monkeypatch.setattr(views, "TEXT_COUNT_CAP", 1)
    client = client_for("olga")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert count_line(client.get(reverse("members:list"))) == "4 members"
    monkeypatch.setattr(views, "COUNT_CAP", 2)
    line = count_line(client.get(reverse("members:list")))
    assert line == "More than 10,000 members; narrow the filter."


def test_the_list_searches_word_starts_in_name_order(client_for):
    client = client_for("alice")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("members:list"), {"q": "nguy v"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert count_line(response) == "2 members"
    assert html.index("Nguyễn Văn Đức") < html.index("Nguyễn Văn Minh")
    assert count_line(client.get(reverse("members:list"), {"q": "guyen"})) == "0 members"
