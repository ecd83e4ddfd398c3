"""The knowledge base: articles customers read and agents write."""
