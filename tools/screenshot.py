"""Screenshots of a running Odoo for the README: logs in over HTTP, hands the session cookie to a
headless Chromium through the DevTools protocol and saves PNGs.

Usage: python tools/screenshot.py --url http://127.0.0.1:8069 --db crr_demo --login admin \
           --password admin --out docs/order.png --path "/odoo/sales/1" [--lang zh_CN] [--width 1400]
"""

import argparse
import base64
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import websocket  # websocket-client, in the project's virtualenv


def login(url, db, user, password):
    payload = json.dumps({"jsonrpc": "2.0", "params": {"db": db, "login": user, "password": password}}).encode()
    request = urllib.request.Request(f"{url}/web/session/authenticate", payload,
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        cookie = response.headers.get("Set-Cookie", "")
    return cookie.split("session_id=")[1].split(";")[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="crr_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--path", required=True, help="e.g. /odoo/sales/3")
    parser.add_argument("--out", required=True)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--wait", type=float, default=6.0, help="seconds for the web client to render")
    parser.add_argument("--click", help="CSS selector to click before the screenshot (e.g. a notebook tab)")
    parser.add_argument("--scroll-to", help="CSS selector to scroll into view before the screenshot (e.g. a setting)")
    parser.add_argument("--eval", help="JavaScript run in the page before the screenshot (e.g. a call through the web "
                        "client's services whose refusal shows its dialog)")
    args = parser.parse_args()

    session = login(args.url, args.db, args.login, args.password)
    browser = shutil.which("chromium") or shutil.which("google-chrome")
    profile = tempfile.mkdtemp(prefix="crr-shot-")
    with socket.socket() as probe:  # a free port: several screenshots may run at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    chrome = subprocess.Popen([
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
        f"--remote-debugging-port={port}", f"--window-size={args.width},{args.height}", "about:blank",
    ], stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json") as response:
                    targets = json.load(response)
                page = next(t for t in targets if t["type"] == "page")
                break
            except Exception:
                time.sleep(0.2)
        ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        counter = iter(range(1, 10_000))

        def call(method, **params):
            message_id = next(counter)
            ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
            while True:
                message = json.loads(ws.recv())
                if message.get("id") == message_id:
                    return message.get("result", {})

        host = args.url.split("://")[1].split(":")[0]
        call("Network.enable")
        call("Network.setCookie", name="session_id", value=session, domain=host, path="/")
        call("Emulation.setDeviceMetricsOverride", width=args.width, height=args.height, deviceScaleFactor=1,
             mobile=False)
        call("Page.navigate", url=f"{args.url}{args.path}")
        time.sleep(args.wait)
        if args.click:
            call("Runtime.evaluate", expression=f"document.querySelector({json.dumps(args.click)})?.click()")
            time.sleep(2)
        if args.scroll_to:
            call("Runtime.evaluate", expression=f"document.querySelector({json.dumps(args.scroll_to)})"
                                                "?.scrollIntoView({block: 'center'})")
            time.sleep(1)
        if args.eval:
            call("Runtime.evaluate", expression=args.eval)
            time.sleep(2)
        shot = call("Page.captureScreenshot", format="png")
        with open(args.out, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))
        ws.close()
    finally:
        chrome.terminate()
        chrome.wait(10)
        shutil.rmtree(profile, ignore_errors=True)
    print(args.out)


if __name__ == "__main__":
    main()
