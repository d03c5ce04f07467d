"""Downloads: every file is made when its button is clicked, never on a rerun."""

import pytest

from tests.app.helpers import ROOT, open_page

PAGES = sorted(path.stem for path in (ROOT / "app_pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES)
def test_every_download_is_built_only_when_clicked(page):
    """A file given as bytes is rebuilt on every rerun and fetched again by the browser; a deferred
    one (a callable) costs nothing until the student clicks."""
    at = open_page(page)
    buttons = at.get("download_button")
    assert all(b.proto.deferred_file_id and not b.proto.url for b in buttons), page


def test_a_charts_table_is_sent_only_while_its_panel_is_open():
    """The data behind a chart costs nothing until a student opens its panel; then it is the
    plotted data, with its CSV button."""
    at = open_page("curves", {"cv_funcs": "relu"})
    assert not any("ReLU" in d.value.columns for d in at.dataframe)
    at.session_state["table_open_curves_f"] = True
    at.run()
    table = next(d.value for d in at.dataframe if "ReLU" in d.value.columns)
    assert len(table) == 1001 and (table["ReLU"] == table["x"].clip(lower=0)).all()
    assert any(b.proto.label == "Download CSV" for b in at.get("download_button"))
