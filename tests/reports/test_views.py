"""The reports page and its export: who sees them, bad periods, empty periods, CSV, and a bounded number of queries."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from portal.accounts import service as accounts
from portal.reports.models import ReportSettings, ReportViewer
from tests.reports.conftest import D1, expected

LAST = D1 + timedelta(days=4)
RANGE = f"from={D1}&to={LAST}"


def _headers(db, user):
    token = accounts.issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_admins_always_and_agents_unless_reports_are_for_leads_only(
    client, make_client, db, admin, agent, make_user
):
    customer = make_user("customer")
    api = make_client()
    assert api.get("/api/v1/reports/summary", headers=_headers(db, customer)).status_code == 403
    client.login(customer.email)
    assert client.get("/desk/reports").status_code == 404
    staff = make_client()
    staff.login(agent.email)
    page = staff.get("/desk/reports")
    assert page.status_code == 200 and 'href="/desk/reports"' in page.get_data(
        as_text=True
    )  # and its nav entry
    db.session.add(ReportSettings(id=1, agents="leads"))
    db.session.commit()
    assert staff.get("/desk/reports").status_code == 404
    assert 'href="/desk/reports"' not in staff.get("/desk/").get_data(as_text=True)
    assert api.get("/api/v1/reports/summary", headers=_headers(db, agent)).status_code == 403
    db.session.add(ReportViewer(user_id=agent.id))
    db.session.commit()
    assert staff.get("/desk/reports").status_code == 200
    boss = make_client()
    boss.login(admin.email)
    assert boss.get(f"/desk/reports/export/summary.csv?{RANGE}").status_code == 200


def test_an_admin_chooses_the_leads(client, db, admin, agent):
    client.login(admin.email)
    assert client.get("/admin/reports").status_code == 200
    assert (
        client.post("/admin/reports", data={"agents": "leads", "leads": [str(agent.id)]}).status_code == 302
    )
    assert db.session.get(ReportSettings, 1).agents == "leads"
    assert db.session.get(ReportViewer, agent.id) is not None
    assert client.post("/admin/reports", data={"agents": "sideways"}).status_code == 422


def test_bad_periods_are_explained_next_to_their_field(client, make_client, db, admin):
    client.login(admin.email)
    response = client.get("/desk/reports?from=2025-13-01&to=yesterday&group=abc")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert body.count("Enter a date as YYYY-MM-DD.") == 2 and "Choose a group from the list." in body
    reversed_ = client.get(f"/desk/reports?from={LAST}&to={D1}")
    assert reversed_.status_code == 422 and "The start must be on or before the end." in reversed_.get_data(
        as_text=True
    )
    too_long = client.get("/desk/reports?from=2020-01-01&to=2025-01-01")
    assert too_long.status_code == 422
    api = make_client().get("/api/v1/reports/summary?from=2025-02-30", headers=_headers(db, admin))
    assert api.status_code == 422 and "from" in api.get_json()["error"]["fields"]
    assert client.get("/desk/reports/export/summary.csv?from=nope").status_code == 400
    assert client.get("/desk/reports/export/secrets.csv").status_code == 404


def test_an_empty_period_and_a_single_day_render_with_charts(client, db, admin, seeded):
    client.login(admin.email)
    empty = client.get("/desk/reports?from=2020-01-01&to=2020-01-31")
    assert empty.status_code == 200
    body = empty.get_data(as_text=True)
    assert "No tickets or survey answers in this period." in body and 'id="chart-volume"' in body
    single = client.get(f"/desk/reports?from={D1}&to={D1}")
    assert single.status_code == 200 and 'id="report-data"' in single.get_data(as_text=True)


def test_the_page_shows_the_figures_comments_and_follow_ups(client, db, admin, seeded):
    client.login(admin.email)
    body = client.get(f"/desk/reports?{RANGE}").get_data(as_text=True)
    assert "친절했어요" in body and "너무 오래 걸렸어요" in body  # comments
    assert f'href="/desk/tickets/{seeded.tickets["t2"].ref}#feedback"' in body  # the low score to follow up
    assert "66.7%" in body and "+25" in body and "6.0 / 7" in body
    assert "Billing" in body and "김상담" in body


def test_the_csv_export_carries_the_same_figures(client, db, admin, seeded):
    client.login(admin.email)
    want = expected(db, D1, LAST)
    response = client.get(f"/desk/reports/export/summary.csv?{RANGE}")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = dict(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert int(rows["tickets_created"]) == want["tickets_created"]
    assert float(rows["resolution_median_s"]) == want["resolution_median_s"]
    assert float(rows["csat"]) == want["csat"]
    trend = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/desk/reports/export/trend.csv?{RANGE}").get_data(as_text=True).lstrip("\ufeff")
            )
        )
    )
    assert [int(r["backlog"]) for r in trend] == want["backlog"]
    for table in ("channels", "groups", "agents", "touchpoints", "comments"):
        assert client.get(f"/desk/reports/export/{table}.csv?{RANGE}").status_code == 200


def test_a_comment_that_looks_like_a_formula_is_defused_in_the_csv(client, db, admin, seeded):
    import sqlalchemy as sa

    from portal.feedback.models import Survey

    survey = db.session.scalar(sa.select(Survey).where(Survey.comment == "친절했어요"))
    survey.comment = '=HYPERLINK("http://evil")'
    db.session.commit()
    client.login(admin.email)
    text = client.get(f"/desk/reports/export/comments.csv?{RANGE}").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_data(
    client, db, admin, agent, seeded, count_queries, make_ticket
):
    import time_machine

    from portal.feedback import service as feedback
    from portal.feedback.models import Survey
    from portal.tickets import service as tickets
    from tests.reports.conftest import at

    client.login(admin.email)
    client.get(f"/desk/reports?{RANGE}")
    with count_queries() as few:
        client.get(f"/desk/reports?{RANGE}")
    for i in range(4):  # more tickets, agents' answers, surveys and comments in the same period
        with time_machine.travel(at(2, f"1{i}:00"), tick=False):
            ticket = make_ticket("chat", email=f"more{i}@example.com")
            tickets.add_reply(ticket, agent, "답변")
            tickets.update_ticket(ticket, agent, assignee=agent, status="solved")
            db.session.flush()
            survey = db.session.query(Survey).filter_by(ticket_id=ticket.id, kind="csat").one()
            feedback.answer(survey, 1 + i, f"의견 {i}")
            db.session.commit()
    with count_queries() as more:
        body = client.get(f"/desk/reports?{RANGE}").get_data(as_text=True)
    assert "의견 3" in body
    assert more.count == few.count and few.count < 45
