"""Users, roles, groups, sign-in, API tokens and signed links."""
