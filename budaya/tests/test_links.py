"""Links reversed once for a whole page (budaya.links)."""

import pytest
from django.urls import reverse

from budaya.links import link_maker


@pytest.mark.parametrize(
    ("name", "args"),
    [("org:unit_detail", ["kota-tangerang"]), ("org:employee_detail", ["kota-serang"])],
)
@pytest.mark.parametrize("pk", [1, 7, 42, 2_147_483_646, 98765])
def test_a_made_link_is_the_reversed_url(name, args, pk):
    assert link_maker(name, *args)(pk) == reverse(name, args=[*args, pk])


def test_the_key_must_be_a_number():
    with pytest.raises(ValueError):
        link_maker("org:unit_detail", "kota-tangerang")("1/../../admin")
