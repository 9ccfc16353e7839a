import pytest
from django.core import mail
from django.db import transaction

from kyodo_portal.notifications import notify_after_commit


@pytest.mark.django_db(transaction=True)
def test_notification_is_sent_after_commit_one_message_per_recipient():
    with transaction.atomic():
        notify_after_commit(
            to=["a@example.jp", "", "b@example.jp", "a@example.jp"],
            template="test_notice",
            context={"name": "佐賀"},
        )
        assert mail.outbox == []

    assert [message.to for message in mail.outbox] == [["a@example.jp"], ["b@example.jp"]]
    assert mail.outbox[0].subject == "[協働ポータル] テストのお知らせ"
    assert "佐賀 様" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_no_notification_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        notify_after_commit(to=["a@example.jp"], template="test_notice", context={"name": "x"})
        raise RuntimeError("rolled back")

    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_reference_data_is_back_for_a_transactional_test_after_another_flushed_it():
    from cso_registry.models import Municipality

    assert Municipality.objects.count() == 20
