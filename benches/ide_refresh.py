#!/usr/bin/env python3
"""Does rust-analyzer see a document that changed under `connector!`? (rust-analyzer issue 16243)

Drives a real rust-analyzer over the Language Server Protocol, as an editor would, on a crate
holding `connector!` over a copy of schemas/twilio-output.json and a function that names a type
the document does not have yet (`SendFax`). Then, as `tray-connect pull` would, it rewrites the
document with a `send_fax` operation, and after each step an editor user might take asks
rust-analyzer to hover over `SendFax`:

  1. nothing (the file changed on disk; the editor reports it if it watches *.json),
  2. saving the Rust file that holds the macro call, unchanged,
  3. editing the macro call (a space added inside it),
  4. "rust-analyzer: Rebuild proc macros and build scripts",
  5. "rust-analyzer: Restart server" (a new server process).

    python3 benches/ide_refresh.py --rust-analyzer /work/ra/bin/rust-analyzer
"""
import argparse, json, os, shutil, subprocess, sys, threading, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work" / "ide_refresh"
TARGET = HERE / "work" / "target"  # shared with the other benches: dependencies built once
DEADLINE = 600  # seconds rust-analyzer may take to load the crate and answer


class Server:
    """A rust-analyzer process spoken to over stdio."""

    def __init__(self, ra, root):
        self.proc = subprocess.Popen([ra], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL,
                                     env=dict(os.environ, CARGO_TARGET_DIR=str(TARGET)))
        self.next_id = 0
        self.answers = {}
        self.progress_active = set()
        self.progress_seen = False
        self.lock = threading.Condition()
        threading.Thread(target=self.read, daemon=True).start()
        self.request("initialize", {
            "processId": os.getpid(), "rootUri": root.as_uri(),
            "capabilities": {"window": {"workDoneProgress": True},
                             "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}},
                             "textDocument": {"hover": {"contentFormat": ["plaintext"]}}},
            "initializationOptions": {"checkOnSave": False},
        })
        self.notify("initialized", {})

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.proc.stdin.flush()

    def read(self):
        stream = self.proc.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(stream.read(length))
            with self.lock:
                if "id" in message and "method" in message:  # a request to the client
                    if message["method"] == "window/workDoneProgress/create":
                        self.progress_seen = True
                    self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                elif "id" in message:
                    self.answers[message["id"]] = message
                elif message.get("method") == "$/progress":
                    value = message["params"]["value"]
                    token = str(message["params"]["token"])
                    if value.get("kind") == "begin":
                        self.progress_active.add(token)
                    elif value.get("kind") == "end":
                        self.progress_active.discard(token)
                self.lock.notify_all()

    def request(self, method, params):
        with self.lock:
            self.next_id += 1
            ident = self.next_id
        self.send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        deadline = time.monotonic() + DEADLINE
        with self.lock:
            while ident not in self.answers:
                if not self.lock.wait(timeout=deadline - time.monotonic()):
                    sys.exit(f"rust-analyzer did not answer {method} in {DEADLINE} s")
            return self.answers.pop(ident)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def quiet(self):
        """Waits until rust-analyzer has begun some work and ended all of it."""
        deadline = time.monotonic() + DEADLINE
        with self.lock:
            while not self.progress_seen or self.progress_active:
                if not self.lock.wait(timeout=max(0.0, deadline - time.monotonic())):
                    sys.exit(f"rust-analyzer still busy after {DEADLINE} s: {self.progress_active}")

    def stop(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.proc.wait(timeout=60)


def hover_text(server, uri, position):
    answer = server.request("textDocument/hover",
                            {"textDocument": {"uri": uri}, "position": position})
    result = answer.get("result")
    if not result:
        return None
    contents = result["contents"]
    return contents["value"] if isinstance(contents, dict) else str(contents)


def sees(server, uri, position, name, patience):
    """Whether hovering at `position` shows `name` within `patience` seconds (rust-analyzer
    answers hovers while it is still expanding macros; an item it has not expanded yet has no
    hover)."""
    deadline = time.monotonic() + patience
    while True:
        text = hover_text(server, uri, position)
        if text is not None and name in text:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(1)


def ready(server, uri, position):
    """Waits until the macro is expanded: `SendSms`, in every version of the document, hovers."""
    if not sees(server, uri, position, "SendSms", DEADLINE):
        sys.exit(f"rust-analyzer did not expand connector! in {DEADLINE} s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rust-analyzer", default=shutil.which("rust-analyzer") or "rust-analyzer")
    args = ap.parse_args()

    shutil.rmtree(WORK / "src", ignore_errors=True)
    (WORK / "src").mkdir(parents=True)
    (WORK / "Cargo.toml").write_text(
        '[package]\nname = "ide_refresh"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
        f'[dependencies]\ntray-connect = {{ path = "{ROOT / "core"}" }}\n\n[workspace]\n')
    document = json.loads((ROOT / "schemas" / "twilio-output.json").read_text())
    (WORK / "twilio.json").write_text(json.dumps(document, indent=2))
    lib = ('//! Names a type the document gains later.\n'
           'pub mod twilio {\n'
           '    tray_connect::connector!("twilio-output", "2.1", "twilio.json");\n'
           '}\n'
           '/// An SMS, in every version of the document.\n'
           'pub fn sms() -> Option<twilio::SendSms> {\n'
           '    None\n'
           '}\n'
           '/// A fax, once the document has it.\n'
           'pub fn fax() -> Option<twilio::SendFax> {\n'
           '    None\n'
           '}\n')
    lib_path = WORK / "src" / "lib.rs"
    lib_path.write_text(lib)
    uri = lib_path.as_uri()
    line = lib.splitlines().index("pub fn fax() -> Option<twilio::SendFax> {")
    position = {"line": line, "character": len("pub fn fax() -> Option<twilio::Send")}
    sms_line = lib.splitlines().index("pub fn sms() -> Option<twilio::SendSms> {")
    sms = {"line": sms_line, "character": len("pub fn sms() -> Option<twilio::Send")}
    patience = 60  # seconds to wait for SendFax after each step
    subprocess.run(["cargo", "check", "-q"], cwd=WORK, check=False,
                   env=dict(os.environ, CARGO_TARGET_DIR=str(TARGET)),
                   stderr=subprocess.DEVNULL)

    server = Server(args.rust_analyzer, WORK)
    version = 1
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "rust", "version": version, "text": lib}})
    server.quiet()
    ready(server, uri, sms)
    results = [("before the document changes", sees(server, uri, position, "SendFax", patience))]

    # What `tray-connect pull` does: the document is rewritten with a new operation.
    fax = json.loads(json.dumps(next(e for e in document["elements"] if e["name"] == "send_sms")))
    fax["name"] = "send_fax"
    document["elements"].append(fax)
    (WORK / "twilio.json").write_text(json.dumps(document, indent=2))
    server.notify("workspace/didChangeWatchedFiles", {"changes": [
        {"uri": (WORK / "twilio.json").as_uri(), "type": 2}]})
    results.append(("1. the document rewritten on disk",
                    sees(server, uri, position, "SendFax", patience)))

    server.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    results.append(("2. the Rust file saved, unchanged",
                    sees(server, uri, position, "SendFax", patience)))

    edited = lib.replace('"twilio.json");', '"twilio.json" );')
    version += 1
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                             "contentChanges": [{"text": edited}]})
    results.append(("3. the macro call edited", sees(server, uri, position, "SendFax", patience)))

    # Stale again: the document without `send_fax`, the call edited back so it is expanded
    # anew, then the document with it, and the editor's "Rebuild proc macros" command.
    document["elements"].pop()
    (WORK / "twilio.json").write_text(json.dumps(document, indent=2))
    version += 1
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                             "contentChanges": [{"text": lib}]})
    ready(server, uri, sms)
    results.append(("(stale again, without send_fax)",
                    sees(server, uri, position, "SendFax", patience)))
    document["elements"].append(fax)
    (WORK / "twilio.json").write_text(json.dumps(document, indent=2))
    server.request("rust-analyzer/rebuildProcMacros", None)
    server.quiet()
    results.append(("4. Rebuild proc macros", sees(server, uri, position, "SendFax", patience)))
    server.stop()

    server = Server(args.rust_analyzer, WORK)
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "rust", "version": 1, "text": lib}})
    server.quiet()
    ready(server, uri, sms)
    results.append(("5. Restart server", sees(server, uri, position, "SendFax", patience)))
    server.stop()

    for step, seen in results:
        print(f"{step}: {'sees' if seen else 'does not see'} SendFax"
              f"{'' if seen else f' (waited {patience} s)'}")


if __name__ == "__main__":
    main()
