"""The admin's survey settings: saved, checked field by field, and for admins only."""

from __future__ import annotations

from portal.feedback import service

VALID = {
    "csat_on_ticket_solved": "y",
    "ces_enabled": "y",
    "send_delay_minutes": "30",
    "customer_min_days": "14",
    "answer_days": "7",
    "low_score_action": "reopen",
    "nps_enabled": "y",
    "nps_every_days": "60",
    "nps_sample_percent": "25",
    "nps_active_days": "120",
}


def test_an_admin_changes_which_surveys_go_out(client, db, admin):
    client.login(admin.email)
    assert client.get("/admin/surveys").status_code == 200
    assert client.post("/admin/surveys", data=VALID).status_code == 302
    saved = service.settings()
    assert (saved.ces_enabled, saved.csat_on_chat_ended, saved.low_score_action) == (True, False, "reopen")
    assert (saved.send_delay_minutes, saved.customer_min_days, saved.nps_sample_percent) == (30, 14, 25)


def test_bad_settings_are_explained_next_to_their_field(client, db, admin):
    client.login(admin.email)
    response = client.post("/admin/surveys", data={**VALID, "answer_days": "0", "nps_sample_percent": "abc"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Enter a number from 1 to 90." in body and "is-invalid" in body
    assert service.settings().answer_days == 14  # unchanged


def test_only_admins_see_the_survey_settings(client, agent):
    client.login(agent.email)
    assert client.get("/admin/surveys").status_code == 404
