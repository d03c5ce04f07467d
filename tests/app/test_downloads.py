"""Downloads: every file is made when its button is clicked, never on a rerun."""

import pytest

from tests.app.conftest import ROOT, open_page

PAGES = sorted(path.stem for path in (ROOT / "app_pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES)
def test_every_download_is_built_only_when_clicked(page):
    """A file given as bytes is rebuilt on every rerun and fetched again by the browser; a deferred
    one (a callable) costs nothing until the student clicks."""
    at = open_page(page)
    buttons = at.get("download_button")
    assert all(b.proto.deferred_file_id and not b.proto.url for b in buttons), page
