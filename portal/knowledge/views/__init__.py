"""Knowledge base pages: the help center (portal) and the editor (desk)."""
