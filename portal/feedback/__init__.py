"""Surveys: CSAT, CES and NPS sent by themselves, answered by one click, attributed to the touchpoint that served."""
