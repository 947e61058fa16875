"""`annotator serve`: the app in a browser (textual-serve), driven by headless Chromium.

The end-to-end test starts the server, opens the page in Chromium through
chromedriver (Selenium), types keys into the page and checks the YAML on disk.
It skips, saying why, only where Chromium or chromedriver is not installed
(``.ci/run`` installs Debian's ``chromium`` and ``chromium-driver``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from annotator.cli import main

from .conftest import SEED

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def start_server(args: list[str], cwd: Path) -> subprocess.Popen:
    """`annotator serve ...` in its own process group (the app processes are its children)."""
    return subprocess.Popen(
        [sys.executable, "-m", "annotator", "serve", *args],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def stop_server(proc: subprocess.Popen) -> tuple[str, str]:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    return out, err


def chromium(tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1280,800",
    ):
        opts.add_argument(arg)
    # An explicit driver and browser: Selenium fetches nothing.
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


@pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does it as root)")
def test_keys_typed_in_the_browser_change_the_yaml(tmp_path):
    pytest.importorskip("textual_serve", reason="pip install '.[test]' (textual-serve)")
    pytest.importorskip("selenium", reason="pip install '.[test]' (selenium)")
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    article = tmp_path / "seeds" / SEED.name
    article.parent.mkdir()
    shutil.copyfile(SEED, article)
    ann = tmp_path / "annotations"
    yaml_path = ann / f"{article.stem}.yaml"
    lock = ann / f".{article.stem}.lock"
    port = free_port()
    server = start_server([str(article), "--annotations", str(ann), "--annotator", "web", "--port", str(port)], tmp_path)
    driver = None
    try:
        wait_for(lambda: listening(port) or server.poll() is not None, 30, "the server to listen")
        assert server.poll() is None, server.communicate()
        driver = chromium(tmp_path)
        driver.set_page_load_timeout(30)
        driver.get(f"http://localhost:{port}/")
        # The page's websocket started an app, which took the article's lock.
        wait_for(lock.exists, 30, "the app behind the page to open the article")
        wait_for(lambda: "-first-byte" in (driver.find_element("tag name", "body").get_attribute("class") or ""),
                 30, "the first bytes of the app in the page")
        time.sleep(1.0)  # the first frame is painted before the app reads keys
        # Keys go to the terminal's input (a person clicks the page; a click would also move the cursor).
        driver.execute_script("document.querySelector('.xterm-helper-textarea').focus()")
        keys = ActionChains(driver)
        keys.send_keys("/").pause(0.5).send_keys("Orhan Qereman").pause(0.3).send_keys(Keys.ENTER).pause(0.5)
        keys.send_keys("1").perform()

        def tagged():
            if not yaml_path.exists():
                return None
            data = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
            return [e for e in data.get("entities") or [] if e["text"] == "Orhan Qereman"]

        found = wait_for(tagged, 20, f"{yaml_path.name} to hold the new entity (autosave)")
        assert found == [{"id": "T1", "label": "PER", "start": 3, "end": 16, "text": "Orhan Qereman", "by": "web"}]
        # q saves and quits: the app lets go of the lock and the page says the session ended.
        ActionChains(driver).send_keys("q").perform()
        wait_for(lambda: not lock.exists(), 20, "the app to quit and release the lock")
        wait_for(lambda: "-closed" in (driver.find_element("tag name", "body").get_attribute("class") or ""),
                 20, "the page to show that the session ended")
    except BaseException:
        if driver is not None:
            driver.save_screenshot(str(tmp_path / "page.png"))  # kept in pytest's tmp folder
        raise
    finally:
        if driver is not None:
            driver.quit()
        out, err = stop_server(server)
    assert "http://localhost:" in out
    assert "warning" not in err  # localhost: no warning


def test_serving_beyond_this_machine_warns(tmp_path):
    pytest.importorskip("textual_serve", reason="pip install '.[test]' (textual-serve)")
    port = free_port()
    server = start_server([str(SEED), "--annotations", str(tmp_path / "ann"), "--host", "0.0.0.0", "--port", str(port)], tmp_path)
    try:
        wait_for(lambda: listening(port) or server.poll() is not None, 30, "the server to listen")
    finally:
        _out, err = stop_server(server)
    lines = [line for line in err.splitlines() if line.startswith("annotator:")]
    assert lines and lines[0].startswith("annotator: warning: listening on 0.0.0.0")


def test_serve_says_what_to_install_when_textual_serve_is_missing(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert main(["serve", str(SEED)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["annotator: serve: needs textual-serve, which is not installed: pip install 'annotator[serve]' (or: pip install textual-serve)"]


def test_serve_checks_its_input_before_serving(tmp_path, capsys):
    pytest.importorskip("textual_serve", reason="pip install '.[test]' (textual-serve)")
    assert main(["serve", str(tmp_path / "nothing.txt")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", str(SEED), "--annotations", str(tmp_path / "a"), "--host", "127.0.0.1", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"annotator: 127.0.0.1:{port}: cannot listen there" in err


def test_serve_reports_a_bad_settings_file_before_serving(tmp_path, monkeypatch, capsys):
    pytest.importorskip("textual_serve", reason="pip install '.[test]' (textual-serve)")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "annotator.toml").write_text('theme = "no-such-theme"\n', encoding="utf-8")
    assert main(["serve", str(SEED)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "annotator.toml:1" in err[0] and "no-such-theme" in err[0]
