"""A small WebDriver BiDi client for Firefox, enough to drive the workbench in a test.

Debian ships Firefox ESR but no geckodriver, and Selenium needs one; Firefox itself speaks
WebDriver BiDi (a JSON protocol over a WebSocket) when started with
--remote-debugging-port. This module starts a headless Firefox with a fresh profile,
connects with Debian's python3-websockets, and offers the few commands the test uses:
navigate, evaluate JavaScript (awaiting promises), press keys, set the viewport.
"""
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

import websockets

# Preferences of the test's profile: no first-run pages, no updates or telemetry (the
# machine has no network), and the colour scheme the page should see.
PREFS = {
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
    "app.normandy.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.captive-portal-service.enabled": False,
}


class BiDiError(RuntimeError):
    pass


class Firefox:
    def __init__(self, width=1280, height=900, dark=False, binary="/usr/bin/firefox-esr"):
        self.profile = tempfile.mkdtemp(prefix="matcalc-firefox-")
        prefs = dict(PREFS)
        # 0 dark, 1 light: what prefers-color-scheme reports to pages.
        prefs["layout.css.prefers-color-scheme.content-override"] = 0 if dark else 1
        with open(os.path.join(self.profile, "user.js"), "w", encoding="utf-8") as f:
            for name, value in prefs.items():
                f.write(f"user_pref({json.dumps(name)}, {json.dumps(value)});\n")
        port = free_port()
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-remote", "--profile", self.profile,
             f"--remote-debugging-port={port}", f"--width={width}", f"--height={height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            self._connect(port, width, height)
        except BaseException:
            self.process.kill()  # never leave a browser behind
            self.process.wait()
            shutil.rmtree(self.profile, ignore_errors=True)
            raise

    def _connect(self, port, width, height):
        self.url = self._await_listening(port)
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)  # websockets 10 binds a connection to the current loop

        async def connect():
            return await websockets.connect(self.url, max_size=None)

        self.ws = self.loop.run_until_complete(connect())
        self.next_id = 0
        self.command("session.new", {"capabilities": {}})
        self.context = self.command("browsingContext.getTree", {})["contexts"][0]["context"]
        self.command("browsingContext.setViewport", {"context": self.context, "viewport": {"width": width, "height": height}})

    def _await_listening(self, port, timeout=30):
        """Firefox says on stderr where it listens; other lines are its own chatter."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                raise BiDiError(f"firefox exited ({self.process.poll()}) before listening")
            m = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
            if m:
                # Keep reading stderr so that Firefox never blocks on a full pipe.
                self._drain = asyncio_thread_drain(self.process.stderr)
                return m.group(1).rstrip("/") + "/session"
        raise BiDiError(f"firefox did not listen on port {port} within {timeout} s")

    def command(self, method, params, timeout=60):
        self.next_id += 1
        ident = self.next_id

        async def call():
            await self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
            while True:
                message = json.loads(await self.ws.recv())
                if message.get("id") != ident:
                    continue  # an event
                if message.get("type") == "error":
                    raise BiDiError(f"{method}: {message.get('error')}: {message.get('message')}")
                return message["result"]

        return self.loop.run_until_complete(asyncio.wait_for(call(), timeout))

    def navigate(self, url):
        self.command("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})

    def evaluate(self, expression, timeout=60):
        """The value of a JavaScript expression (a promise is awaited), through JSON."""
        result = self.command("script.evaluate", {
            "expression": f"(async () => JSON.stringify(await ({expression})))()",
            "target": {"context": self.context}, "awaitPromise": True}, timeout)
        if result.get("type") == "exception":
            raise BiDiError(f"JavaScript: {result['exceptionDetails'].get('text')}")
        value = result["result"]
        return json.loads(value["value"]) if value.get("type") == "string" else None

    def press(self, *keys):
        """Keys as the keyboard sends them (WebDriver's codes: \\uE004 is Tab)."""
        actions = []
        for k in keys:
            actions += [{"type": "keyDown", "value": k}, {"type": "keyUp", "value": k}]
        self.command("input.performActions", {"context": self.context,
                                              "actions": [{"type": "key", "id": "keyboard", "actions": actions}]})

    def wait_for(self, expression, timeout=10):
        """Polls a JavaScript expression until it is truthy; its value, or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.02)
        return None

    def close(self):
        try:
            self.command("browser.close", {}, timeout=10)
        except Exception:
            pass
        try:
            self.loop.run_until_complete(self.ws.close())
        except Exception:
            pass
        self.loop.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def asyncio_thread_drain(stream):
    import threading

    thread = threading.Thread(target=lambda: [None for _ in stream], daemon=True)
    thread.start()
    return thread
