"""A minimal local SMTP server for tests: enough of RFC 5321 for Django's SMTP backend (EHLO, MAIL,
RCPT, DATA, QUIT), recording what it accepts and refusing recipients on a chosen domain with 550.

`users` ({name: password}): EHLO offers AUTH PLAIN (RFC 4616) and a sign-in with anything else is
refused with 535. `greeting`: the first line it sends (e.g. "554 5.7.1 No service here"), and a
greeting other than 220 ends the session. `trickle_after_data`: once it has the message, its answer
comes one byte every that many seconds (each read well inside a per-read timeout); `trickle_greeting`
the same for the greeting."""

import base64
import socketserver
import time

from .local_server import LocalServer


class FakeSMTP(LocalServer):
    def __init__(self, *, refuse_domain=None, drop_after_data=False, users=None, greeting="220 fake.smtp ESMTP",
                 trickle_after_data=0.0, trickle_greeting=0.0):
        self.refuse_domain = refuse_domain
        self.users = users
        self.greeting = greeting
        self.trickle_after_data = trickle_after_data
        self.trickle_greeting = trickle_greeting
        self.sign_ins = []  # (user name, accepted) of every AUTH
        # Take the message, then close the connection before the "250 queued" answer.
        self.drop_after_data = drop_after_data
        self.messages = []  # (mail_from, [rcpt_to], data)
        self._serve(socketserver.ThreadingTCPServer)

    def _handler(self):
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line, trickle=0.0):
                data = line.encode() + b"\r\n"
                if not trickle:
                    return self.wfile.write(data)
                for byte in data:
                    time.sleep(trickle)
                    try:
                        self.wfile.write(bytes([byte]))
                    except OSError:
                        return None  # the client gave up
                return None

            def auth_plain(self, command):
                parts = command.split(" ")
                try:
                    _, user, password = base64.b64decode(parts[2]).decode().split("\0")
                except (IndexError, ValueError):
                    return self.reply("501 5.5.2 Cannot decode the response")
                accepted = fake.users.get(user) == password
                fake.sign_ins.append((user, accepted))
                if not accepted:
                    return self.reply("535 5.7.8 Authentication credentials invalid")
                return self.reply("235 2.7.0 Authentication successful")

            def handle(self):
                self.reply(fake.greeting, trickle=fake.trickle_greeting)
                if not fake.greeting.startswith("220"):
                    return
                mail_from, rcpts = None, []
                while line := self.rfile.readline():
                    command = line.decode().strip()
                    verb = command.split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        if fake.users is not None and verb == "EHLO":
                            self.reply("250-fake.smtp")
                            self.reply("250 AUTH PLAIN")
                        else:
                            self.reply("250 fake.smtp")
                    elif verb == "AUTH" and fake.users is not None and command.upper().startswith("AUTH PLAIN "):
                        self.auth_plain(command)
                    elif verb == "MAIL":
                        mail_from, rcpts = command[10:].strip("<>"), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        address = command[8:].strip("<>")
                        if fake.refuse_domain and address.endswith("@" + fake.refuse_domain):
                            self.reply("550 5.1.1 No such user")
                        else:
                            rcpts.append(address)
                            self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        data = []
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data.append(chunk.decode())
                        fake.messages.append((mail_from, rcpts, "".join(data)))
                        if fake.drop_after_data:
                            return
                        self.reply("250 OK queued", trickle=fake.trickle_after_data)
                    elif verb == "RSET":
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("502 Not implemented")

        return Handler
