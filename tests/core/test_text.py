"""Vietnamese folding for search and the collation key for names (chibo.core.text)."""

import datetime as dt
import random
import re

import pytest
from django.db import connection
from django.db.models.functions import Collate
from hypothesis import given
from hypothesis import strategies as st

from chibo.core.text import fold, search_key, search_words, sort_key, split_full_name
from chibo.members.models import Member
from chibo.members.services import member_create

LOWER_ASCII = re.compile(r"^[a-z]*$")


def in_key_order(words: list[str]) -> list[str]:
    return sorted(words, key=lambda w: sort_key(w))


# --- folding -------------------------------------------------------------------------


def test_it_folds_a_full_name_to_lowercase_ascii():
    # given a name with tones, letter marks and đ
    name = "Nguyễn Văn Đức"
    # when / then
    assert fold(name) == "nguyen van duc"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("đ", "d"),
        ("Đ", "d"),
        ("ĐẶNG Thị Ánh", "dang thi anh"),
        ("Trương Thị Ưng", "truong thi ung"),
        ("Phạm Ngọc Thạch", "pham ngoc thach"),
        ("Hồ  Xuân\tHương ", "ho xuan huong"),
        ("Lê Ơn", "le on"),
    ],
)
def test_it_folds_every_mark_and_both_cases_of_d_with_stroke(text, folded):
    assert fold(text) == folded


def test_it_folds_decomposed_input_like_composed_input():
    # given the same name in NFC and NFD
    import unicodedata

    composed = "Nguyễn Thị Hằng"
    decomposed = unicodedata.normalize("NFD", composed)
    # then both fold the same way
    assert fold(decomposed) == fold(composed) == "nguyen thi hang"


@given(st.text(max_size=40))
def test_folding_is_idempotent_and_leaves_no_combining_marks(text):
    import unicodedata

    once = fold(text)
    assert fold(once) == once
    assert not any(unicodedata.combining(ch) for ch in once)
    assert "đ" not in once


# --- the search key: folded words, each after a space ---------------------------------


def test_the_search_key_puts_a_space_before_every_word():
    # given a name with tones, marks and đ
    # then every word, the first too, follows a space, so " w" finds word starts only
    assert search_key("Nguyễn Văn Đức") == " nguyen van duc"
    assert search_key("  ĐẶNG   Thị  Ánh ") == " dang thi anh"


def test_an_empty_name_has_an_empty_search_key():
    assert search_key("") == search_key("   ") == ""


def test_the_query_words_are_looked_for_at_word_starts():
    assert search_words("Nguyễn  văn Đ") == [" nguyen", " van", " d"]
    assert search_words("   ") == []


@given(
    st.lists(st.sampled_from(["Nguyễn", "Văn", "Thị", "Đức", "Ánh", "Thanh", "Ưng"]), min_size=1)
)
def test_a_word_is_found_exactly_when_a_name_word_starts_with_it(words):
    name = " ".join(words)
    key = search_key(name)
    for query in ("ng", "an", "thanh", "du", "ung", "h"):
        (word,) = search_words(query)
        expected = any(fold(w).startswith(query) for w in words)
        assert (word in key) == expected, (name, query)


# --- letters, then tones ---------------------------------------------------------------


@pytest.mark.parametrize(
    "ordered",
    [
        ["a", "ă", "â", "b"],
        ["c", "d", "đ", "e"],
        ["e", "ê", "g"],
        ["o", "ô", "ơ", "p"],
        ["u", "ư", "v"],
        ["i", "y"],
    ],
)
def test_it_orders_the_vietnamese_letters(ordered):
    shuffled = list(reversed(ordered))
    assert in_key_order(shuffled) == ordered


def test_it_orders_the_whole_alphabet():
    # the 29 letters of the Vietnamese alphabet
    alphabet = [
        "a",
        "ă",
        "â",
        "b",
        "c",
        "d",
        "đ",
        "e",
        "ê",
        "g",
        "h",
        "i",
        "k",
        "l",
        "m",
        "n",
        "o",
        "ô",
        "ơ",
        "p",
        "q",
        "r",
        "s",
        "t",
        "u",
        "ư",
        "v",
        "x",
        "y",
    ]
    shuffled = alphabet[:]
    random.Random(7).shuffle(shuffled)
    assert in_key_order(shuffled) == alphabet


def test_it_orders_tones_none_huyen_hoi_nga_sac_nang():
    # given the six tones of "ma"
    ordered = ["ma", "mà", "mả", "mã", "má", "mạ"]
    # then they sort in that order
    assert in_key_order(list(reversed(ordered))) == ordered


def test_it_compares_letters_before_tones():
    # á is a with a tone, ă a different letter: the letter decides first
    assert in_key_order(["ă", "á"]) == ["á", "ă"]
    # the base letters of the whole word decide before any tone
    assert in_key_order(["mai", "mạ", "mà"]) == ["mà", "mạ", "mai"]
    assert in_key_order(["Đà", "Dũng"]) == ["Dũng", "Đà"]


def test_it_orders_a_shorter_word_before_its_extensions():
    assert in_key_order(["Anh", "An", "Ánh"]) == ["An", "Anh", "Ánh"]


def test_it_ignores_case():
    assert sort_key("ĐỨC") == sort_key("đức") == sort_key("Đức")


def test_it_treats_a_letter_with_mark_and_tone_as_that_letter():
    # ộ is ô with nặng: after every ô without tone, before ơ
    assert in_key_order(["ơ", "ộ", "ô", "o"]) == ["o", "ô", "ộ", "ơ"]
    assert in_key_order(["ừ", "ư", "u", "ụ"]) == ["u", "ụ", "ư", "ừ"]


# --- names: given, then family, then middle -------------------------------------------


def name_key(family: str, middle: str, given: str) -> str:
    return sort_key(given, family, middle)


def test_it_sorts_names_by_given_name_first():
    names = [("Nguyễn", "Văn", "Bình"), ("Trần", "Thị", "An")]
    ordered = sorted(names, key=lambda n: name_key(*n))
    assert ordered == [("Trần", "Thị", "An"), ("Nguyễn", "Văn", "Bình")]


def test_it_sorts_equal_given_names_by_family_name_then_middle_name():
    names = [
        ("Nguyễn", "Văn", "An"),
        ("Lê", "Văn", "An"),
        ("Nguyễn", "Thị", "An"),
        ("Nguyễn", "", "An"),
    ]
    ordered = sorted(names, key=lambda n: name_key(*n))
    assert ordered == [
        ("Lê", "Văn", "An"),
        ("Nguyễn", "", "An"),
        ("Nguyễn", "Thị", "An"),
        ("Nguyễn", "Văn", "An"),
    ]


def test_a_short_given_name_sorts_before_a_longer_one_whatever_the_family_name():
    # "An" < "Anh" even though the family names point the other way
    assert name_key("Vũ", "", "An") < name_key("An", "", "Anh")


@pytest.mark.parametrize(
    "text",
    ["Nguyễn Văn Đức", "O'Neil-Trần", "Lớp 12A", "  ", "", "Ⅻ 😀 ß ø", "ĐẶNG THỊ NGỌC ÁNH"],
)
def test_the_key_holds_only_lowercase_ascii_letters(text):
    assert LOWER_ASCII.match(sort_key(text, "Hà", ""))


@given(st.text(max_size=30), st.text(max_size=30), st.text(max_size=30))
def test_every_key_holds_only_lowercase_ascii_letters(given_name, family, middle):
    # so a locale collation in PostgreSQL orders it exactly like bytes
    assert LOWER_ASCII.match(sort_key(given_name, family, middle))


def test_it_splits_a_full_name_into_family_middle_given():
    assert split_full_name("Nguyễn Thị Minh Khai") == ("Nguyễn", "Thị Minh", "Khai")
    assert split_full_name("Lê Hải") == ("Lê", "", "Hải")
    assert split_full_name("Hải") == ("", "", "Hải")
    assert split_full_name("   ") == ("", "", "")


# --- in the database -------------------------------------------------------------------

EXPECTED_ORDER = [
    "Trần Văn An",
    "Nguyễn Thị Ăn",
    "Lê Văn Ân",
    "Phạm Văn Bình",
    "Hoàng Văn Dũng",
    "Nguyễn Văn Đức",
    "Vũ Thị Em",
    "Đỗ Thị Ê",
    "Lê Văn Hà",  # same given name: the family name decides (Lê < Nguyễn)…
    "Nguyễn Thị Hà",  # …then the middle name (Thị < Văn)
    "Nguyễn Văn Hà",
    "Lê Thị Ma",
    "Lê Thị Mà",
    "Lê Thị Mả",
    "Lê Thị Mã",
    "Lê Thị Má",
    "Lê Thị Mạ",
    "Lê Thị Mai",
    "Lý Văn Oanh",
    "Lý Văn Ôn",
    "Lý Văn Ơn",
    "Lý Văn Ưng",
]


@pytest.fixture
def shuffled_members(world):
    cell = world.org("C2")
    names = EXPECTED_ORDER[:]
    random.Random(3).shuffle(names)
    for i, name in enumerate(names):
        family, *middle, given = name.split()
        member_create(
            actor=None,
            org=cell,
            member_code=f"S-{i}",
            family_name=family,
            middle_name=" ".join(middle),
            given_name=given,
            birth_date=dt.date(1980, 1, 1),
            gender="female",
            admitted_on=dt.date(2010, 1, 1),
        )
    return Member.objects.filter(member_code__startswith="S-")


def test_the_database_orders_members_by_the_key(shuffled_members):
    # when the database sorts by the stored key
    names = [m.full_name for m in shuffled_members.order_by("sort_key", "id")]
    # then it is the Vietnamese order, on SQLite and on PostgreSQL alike
    assert names == EXPECTED_ORDER


@pytest.mark.parametrize("collation", ["und-x-icu", "en-US-x-icu", "en_US.utf8", "C"])
def test_a_locale_collation_orders_the_key_like_binary(shuffled_members, collation):
    if connection.vendor != "postgresql":
        pytest.skip("collations are a PostgreSQL matter")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [collation])
        if cursor.fetchone() is None:
            pytest.skip(f"collation {collation} is not installed")
    ordered = shuffled_members.order_by(Collate("sort_key", collation), "id")
    assert [m.full_name for m in ordered] == EXPECTED_ORDER
