"""SLA admin pages, the queue's time-left badge and sort, and the ticket's SLA panel, through the client."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from portal.sla.models import Calendar, CalendarDay, SlaPolicy


def test_an_admin_creates_a_policy_in_the_form(client, admin, db):
    client.login(admin.email)
    assert client.get("/admin/sla").status_code == 200
    response = client.post(
        "/admin/sla/policies/new",
        data={
            "name": "Gold customers",
            "tiers": ["gold", "vip"],
            "business_hours": "y",
            "warn_minutes": "30",
            "active": "y",
            "first_urgent": "30m",
            "resolution_urgent": "4h",
            "first_normal": "2h",
            "resolution_normal": "1h 30m 이상",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Write a time like 4h, 30m or 1h 30m." in page
    response = client.post(
        "/admin/sla/policies/new",
        data={
            "name": "Gold customers",
            "tiers": ["gold", "vip"],
            "business_hours": "y",
            "warn_minutes": "30",
            "active": "y",
            "first_urgent": "30m",
            "resolution_urgent": "4h",
            "first_normal": "2h",
            "resolution_normal": "2일",
        },
    )
    assert response.status_code == 422
    response = client.post(
        "/admin/sla/policies/new",
        data={"name": "Gold customers", "tiers": ["gold", "vip"], "business_hours": "y", "warn_minutes": "30",
              "active": "y", "first_urgent": "30m", "resolution_urgent": "4h", "first_normal": "2h",
              "resolution_normal": "16h"},
    )  # fmt: skip
    assert response.status_code == 302
    policy = db.session.scalar(sa.select(SlaPolicy).where(SlaPolicy.name == "Gold customers"))
    assert policy.tiers == ["gold", "vip"] and policy.warn_minutes == 30
    assert (
        policy.target("first_response", "urgent") == 30 and policy.target("resolution", "normal") == 16 * 60
    )
    listing = client.get("/admin/sla").get_data(as_text=True)
    assert "Gold customers" in listing and "30m" in listing


def test_bad_policy_input_is_answered_on_each_field(client, admin):
    client.login(admin.email)
    response = client.post(
        "/admin/sla/policies/new",
        data={
            "name": "",
            "warn_minutes": "-5",
            "first_normal": "5h",
            "resolution_normal": "1h",
            "tiers": ["diamond"],
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter a name." in page and "Warn between 0 and 10080 minutes before." in page
    assert "Choose tiers from the list." in page
    response = client.post(
        "/admin/sla/policies/new",
        data={"name": "x", "warn_minutes": "10", "first_normal": "5h", "resolution_normal": "1h"},
    )
    assert "The first response cannot take longer than the resolution." in response.get_data(as_text=True)
    response = client.post("/admin/sla/policies/new", data={"name": "x", "warn_minutes": "10"})
    assert "Set at least one target." in response.get_data(as_text=True)


def test_policies_are_reordered_and_deleted(client, admin, make_policy, db):
    client.login(admin.email)
    first, second = make_policy("First"), make_policy("Second")
    client.post(f"/admin/sla/policies/{second.id}/move", data={"direction": "up"})
    names = db.session.scalars(sa.select(SlaPolicy.name).order_by(SlaPolicy.position)).all()
    assert names == ["Second", "First"]
    client.post(f"/admin/sla/policies/{first.id}/delete")
    assert db.session.scalars(sa.select(SlaPolicy.name)).all() == ["Second"]


def test_customers_and_agents_cannot_see_sla_settings(client, agent, customer_user):
    client.login(agent.email)
    assert client.get("/admin/sla").status_code == 404
    assert client.post("/admin/sla/policies/new", data={"name": "x"}).status_code == 404


def test_an_admin_sets_a_calendar_with_a_day_off_and_works_a_holiday(client, admin, db):
    client.login(admin.email)
    bad = client.post(
        "/admin/business-hours/new",
        data={"name": "Billing", "timezone": "Mars/Olympus", "hours_0": "9 to 6", "korean_holidays": "y"},
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Choose a time zone from the list." in text and "Write hours like 09:00-18:00" in text
    response = client.post(
        "/admin/business-hours/new",
        data={"name": "Billing", "timezone": "Asia/Seoul", "korean_holidays": "y",
              **{f"hours_{d}": "09:00-12:00, 13:00-18:00" for d in range(5)}},
    )  # fmt: skip
    assert response.status_code == 302
    calendar = db.session.scalar(sa.select(Calendar).where(Calendar.name == "Billing"))
    assert calendar.hours[0] == [[540, 720], [780, 1080]] and calendar.hours[5] == []
    assert calendar.is_default  # the first calendar becomes the default
    page = client.get(f"/admin/business-hours/{calendar.id}").get_data(as_text=True)
    assert "Korean public holidays in the coming year" in page
    client.post(
        f"/admin/business-hours/{calendar.id}/days",
        data={"day": "2026-12-24", "kind": "closed", "name": "회사 휴무"},
    )
    client.post(
        f"/admin/business-hours/{calendar.id}/days",
        data={"day": "2026-12-25", "kind": "open", "name": "성탄절"},
    )
    days = {d.day.isoformat(): d.kind for d in db.session.scalars(sa.select(CalendarDay))}
    assert days == {"2026-12-24": "closed", "2026-12-25": "open"}
    client.post(f"/admin/business-hours/{calendar.id}/days/2026-12-25/clear")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarDay)) == 1
    assert (
        client.post(f"/admin/business-hours/{calendar.id}/days", data={"day": "not-a-date"}).status_code
        == 422
    )
    assert client.post(f"/admin/business-hours/{calendar.id}/days/nonsense/clear").status_code == 404


def test_the_queue_shows_time_left_and_sorts_by_it(
    client, agent, weekday_calendar, make_policy, make_ticket, db, count_queries
):
    make_policy(targets={"normal": ("4h", ""), "urgent": ("1h", "")}, business_hours=False)
    now = datetime.now(UTC)
    later = make_ticket(subject="Later one", received_at=now - timedelta(minutes=10))
    sooner = make_ticket(subject="Sooner one", priority="urgent", received_at=now - timedelta(minutes=20))
    late = make_ticket(subject="Late one", priority="urgent", received_at=now - timedelta(hours=2))
    plain = make_ticket(subject="No SLA", priority="low")
    client.login(agent.email)
    page = client.get("/desk/?view=all&sort=due").get_data(as_text=True)
    order = [page.index(s) for s in ("Late one", "Sooner one", "Later one", "No SLA")]
    assert order == sorted(order)
    assert "overdue 1h" in page and "left" in page
    assert later.id and sooner.id and late.id and plain.id
    with count_queries() as counter:
        client.get("/desk/?view=all&sort=due")
    base = counter.count
    for n in range(5):
        make_ticket(subject=f"More {n}")
    with count_queries() as counter:
        client.get("/desk/?view=all&sort=due")
    assert counter.count == base  # the badge reads ticket columns: no query per row


def test_the_due_sort_pages_with_a_cursor(client, agent, weekday_calendar, make_policy, make_ticket):
    from portal.core.api import decode_cursor

    make_policy(targets={"normal": ("4h", "")}, business_hours=False)
    now = datetime.now(UTC)
    subjects = [
        make_ticket(subject=f"Paged {n:02d}", received_at=now - timedelta(minutes=n)).subject
        for n in range(55)
    ]
    client.login(agent.email)
    first = client.get("/desk/?view=all&sort=due").get_data(as_text=True)
    assert "Paged 54" in first and "Paged 00" not in first  # oldest (most urgent) first
    cursor = re.search(r"after=([\w-]+)", first).group(1)
    assert decode_cursor(cursor)
    second = client.get(f"/desk/?view=all&sort=due&after={cursor}").get_data(as_text=True)
    shown = set(re.findall(r"Paged \d\d", first)) | set(re.findall(r"Paged \d\d", second))
    assert shown == set(subjects)


def test_the_ticket_page_shows_the_targets(client, agent, weekday_calendar, make_policy, make_ticket):
    make_policy("Standard", targets={"normal": ("4h", "16h")})
    ticket = make_ticket()
    client.login(agent.email)
    page = client.get(f"/desk/tickets/{ticket.ref}").get_data(as_text=True)
    assert 'id="sla"' in page and "First response" in page and "Resolution" in page and "Standard" in page
