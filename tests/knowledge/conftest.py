"""Knowledge tests share the search tests' fixtures: their own index folder, articles, API tokens."""

from tests.search.conftest import index, make_article, token_for  # noqa: F401
