"""Start and stop a real SpeechLens server on 127.0.0.1 (for browser tests and benchmarks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SPEECHLENS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    """The dashboard (``scripts/serve.py``, as ``make run`` starts it) on 127.0.0.1:port.

    Returns once the server answers its health check.
    """
    command = [
        sys.executable, str(PROJECT_DIR / "scripts" / "serve.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    # The log goes to a file: an unread pipe would fill up and stall the server.
    log = tempfile.NamedTemporaryFile(prefix=f"speechlens-{port}-", suffix=".log", delete=False)
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and app
        command, cwd=PROJECT_DIR, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
    )
    process.log_path = log.name
    deadline = time.monotonic() + 60
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{Path(log.name).read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("streamlit did not answer its health check within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
