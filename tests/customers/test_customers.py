"""One customer, many identities; merges that can be undone; suggestions that never merge by themselves."""

from __future__ import annotations

import sqlalchemy as sa

from portal.customers import service
from portal.customers.identities import normalize_email, normalize_phone
from portal.customers.models import Customer, Identity
from portal.tickets.intake import receive
from portal.tickets.models import Ticket


def test_identities_are_normalized():
    assert normalize_email(" Yuna.Choi@EXAMPLE.com ") == "yuna.choi@example.com"
    assert normalize_phone("010-1234-5678") == "+821012345678"
    assert normalize_phone("+82 10 1234 5678") == "+821012345678"
    assert normalize_phone("not a phone") is None


def test_an_email_identity_belongs_to_one_customer(db):
    a = service.create_customer(name="A", email="a@example.com")
    b = service.create_customer(name="B")
    db.session.flush()
    assert service.add_identity(b, "email", "A@example.com", quiet=True) is None
    assert service.find_by_identity("email", "a@EXAMPLE.com").id == a.id


def test_a_shared_phone_does_not_pick_a_customer(db):
    a = service.create_customer(name="A", phone="010-1111-2222")
    b = service.create_customer(name="B", phone="010-1111-2222")
    db.session.flush()
    assert a.id != b.id
    assert service.find_by_identity("phone", "01011112222") is None


def test_merge_moves_all_history_and_unmerge_restores_both(db, make_inbound, agent):
    one = receive(make_inbound("email", email="yuna@example.com", name="최유나")).customer
    receive(make_inbound("email", email="yuna@example.com"))
    two = receive(make_inbound("chat", chat="yuna-chat", name="최 유나")).customer
    db.session.commit()
    one_tickets = set(db.session.scalars(sa.select(Ticket.id).where(Ticket.customer_id == one.id)))
    two_tickets = set(db.session.scalars(sa.select(Ticket.id).where(Ticket.customer_id == two.id)))

    merge = service.merge_customers(one, two, actor=agent)
    db.session.commit()
    assert (
        set(db.session.scalars(sa.select(Ticket.id).where(Ticket.customer_id == one.id)))
        == one_tickets | two_tickets
    )
    assert db.session.get(Customer, two.id).merged_into_id == one.id
    assert service.find_by_identity("chat", "yuna-chat").id == one.id

    service.unmerge(merge, actor=agent)
    db.session.commit()
    assert set(db.session.scalars(sa.select(Ticket.id).where(Ticket.customer_id == one.id))) == one_tickets
    assert set(db.session.scalars(sa.select(Ticket.id).where(Ticket.customer_id == two.id))) == two_tickets
    assert db.session.get(Customer, two.id).merged_into_id is None
    assert service.find_by_identity("chat", "yuna-chat").id == two.id
    assert (
        db.session.scalar(sa.select(Identity.customer_id).where(Identity.value == "yuna@example.com"))
        == one.id
    )


def test_a_merged_account_signs_in_to_the_survivor_until_unmerged(db, make_user, agent):
    user = make_user("customer", email="portal@example.com", name="Portal")
    other = service.create_customer(name="Mail", email="mail@example.com")
    own = service.customer_for_user(user)
    merge = service.merge_customers(other, own, actor=agent)
    db.session.commit()
    assert service.customer_for_user(user).id == other.id
    service.unmerge(merge, actor=agent)
    db.session.commit()
    assert service.customer_for_user(user).id == own.id


def test_look_alikes_are_suggested_and_not_merged(db):
    a = service.create_customer(name="김민준", email="minjun.kim@example.com")
    b = service.create_customer(name="김 민준", email="minjun.kim@example.co.kr")
    c = service.create_customer(name="김민준", email="totally-else@other.org")
    d = service.create_customer(name="Somebody", phone="010-5555-6666")
    e = service.create_customer(name="Else", phone="010-5555-6666")
    db.session.flush()
    suggested = {s.id for s, _ in service.suggest_duplicates(a)}
    assert suggested == {b.id}
    assert {s.id for s, _ in service.suggest_duplicates(d)} == {e.id}
    assert db.session.get(Customer, b.id).merged_into_id is None and c.merged_into_id is None


def test_a_guest_who_creates_an_account_inherits_their_history(db, make_inbound, make_user):
    guest = receive(make_inbound("web", email="guest@example.com", name="Guest")).customer
    db.session.commit()
    user = make_user("customer", email="GUEST@example.com", name="Guest")
    assert service.customer_for_user(user).id == guest.id
