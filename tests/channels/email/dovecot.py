"""A real IMAP server for the tests: Debian's Dovecot with a throwaway configuration in a temporary folder.

Any user name signs in with the password "secret" (a static passdb), so each test takes a fresh mailbox by
using a new name. Messages are put in with IMAP APPEND, as a mail server would deliver them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from tests.servers import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
PASSWORD = "secret"

CONFIG = """
protocols = imap
first_valid_uid = 1
first_valid_gid = 1
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Processed {{
    auto = create
  }}
}}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={d}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


class Dovecot:
    """A running Dovecot on 127.0.0.1; `account()` names a fresh mailbox."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="hana-dovecot-"))
        self.port = free_port()
        self.host = "127.0.0.1"

    def start(self) -> Dovecot:
        d = self.folder
        for sub in ("run", "state", "mail"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(d, 0o755)
        if os.geteuid() == 0:
            shutil.chown(d / "mail", "mail", "mail")
        (d / "dovecot.conf").write_text(CONFIG.format(d=d, port=self.port, password=PASSWORD))
        # The master daemonizes: no pipes to inherit, or run() would wait for it to exit.
        subprocess.run(
            [DOVECOT, "-c", str(d / "dovecot.conf")],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                import socket

                with socket.create_connection((self.host, self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not start: " + (d / "dovecot.log").read_text()[-2000:])

    def stop(self) -> None:
        pid_file = self.folder / "run" / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            os.kill(pid, 15)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.05)
        shutil.rmtree(self.folder, ignore_errors=True)

    def account(self) -> str:
        """A user name with an empty mailbox of its own."""
        return f"support-{uuid.uuid4().hex[:10]}@helpdesk.example"

    def client(self, user: str):  # noqa: ANN201 - an IMAPClient
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(user, PASSWORD)
        return client

    def append(self, user: str, *messages: bytes, folder: str = "INBOX") -> None:
        """Deliver messages into a user's folder (IMAP APPEND), unseen."""
        client = self.client(user)
        try:
            for message in messages:
                client.append(folder, message)
        finally:
            client.logout()

    def seen(self, user: str, folder: str = "INBOX") -> dict[int, bool]:
        """UID → whether the message is marked seen, as a mail client would read it."""
        from imapclient import SEEN

        client = self.client(user)
        try:
            client.select_folder(folder, readonly=True)
            flags = client.get_flags(client.search(["ALL"]))
            return {uid: SEEN in f for uid, f in flags.items()}
        finally:
            client.logout()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
