"""Browser tests: a real Streamlit server on 127.0.0.1 driven by Debian's Chromium.

The ``browser`` fixture lives in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.server import free_port, start_server, stop_server


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    port = free_port()
    process = start_server(port)
    yield f"http://127.0.0.1:{port}"
    stop_server(process)


@pytest.fixture
def page(browser, request):
    """A fresh browser context; console errors are collected on ``page.console_errors``."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()
