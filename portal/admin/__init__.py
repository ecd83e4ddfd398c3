"""Admin screens: users, roles and groups; other domains add their own screens and menu entries."""
