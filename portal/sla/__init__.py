"""SLA policies: first-response and resolution targets counted in business hours, warnings and breaches."""
