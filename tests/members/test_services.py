import datetime

import pytest
from django.core.exceptions import ValidationError

from members.services import member_transfer

pytestmark = pytest.mark.django_db


def test_it_refuses_a_transfer_to_a_non_cell(tree, c1_members, committee):
    with pytest.raises(ValidationError) as error:
        member_transfer(
            member=c1_members[0],
            to_cell=tree.g1,
            on=datetime.date(2025, 6, 1),
            reason="x",
            by=committee,
        )
    assert "to_cell" in error.value.message_dict
    assert not c1_members[0].transfers.exists()


def test_it_refuses_a_transfer_to_the_same_cell(tree, c1_members, committee):
    with pytest.raises(ValidationError):
        member_transfer(
            member=c1_members[0],
            to_cell=tree.c1,
            on=datetime.date(2025, 6, 1),
            reason="x",
            by=committee,
        )
