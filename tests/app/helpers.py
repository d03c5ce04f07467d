"""AppTest helpers: open a page of the real app (router, sidebar and all), optionally from a URL,
and read what it shows."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def open_page(page: str, query: dict[str, str] | None = None, timeout: float = 60) -> AppTest:
    """Open ``app_pages/<page>.py`` through app.py as a browser opens a link, ``query`` being the
    URL's parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def figures(at: AppTest) -> list[dict]:
    """The plotly figures on the page, as JSON dicts."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def answer(at: AppTest, key: str, option: str) -> str:
    """Commit ``option`` to question ``key``, reveal it, and return the verdict's text."""
    at.radio(key=f"{key}_choice").set_value(option).run()
    at.button(key=f"{key}_reveal").click().run()
    assert not at.exception
    return "\n".join(e.value for e in list(at.success) + list(at.error))


def page_text(at: AppTest) -> str:
    """Every piece of text the page shows: prose, headings, captions, notices, metrics, tables."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "latex",
                                  "success", "error", "info", "warning") for e in at.get(kind)]
    parts += [f"{m.label} {m.value} {m.delta or ''}" for m in at.metric]
    parts += [d.value.to_string() for d in at.dataframe]
    return "\n".join(parts)
