"""The community board: customers help each other, staff step in early (posts, replies, votes, moderation)."""
