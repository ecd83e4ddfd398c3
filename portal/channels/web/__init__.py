"""The web channel: the portal's request form and replies, and notifications by mail with a portal link."""
