"""A minimal local SMTP server for tests: enough of RFC 5321 for Django's SMTP backend (EHLO, MAIL,
RCPT, DATA, QUIT), recording what it accepts and refusing recipients on a chosen domain with 550."""

import socketserver

from .local_server import LocalServer


class FakeSMTP(LocalServer):
    def __init__(self, *, refuse_domain=None, drop_after_data=False):
        self.refuse_domain = refuse_domain
        # Take the message, then close the connection before the "250 queued" answer.
        self.drop_after_data = drop_after_data
        self.messages = []  # (mail_from, [rcpt_to], data)
        self._serve(socketserver.ThreadingTCPServer)

    def _handler(self):
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line):
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                self.reply("220 fake.smtp ESMTP")
                mail_from, rcpts = None, []
                while line := self.rfile.readline():
                    command = line.decode().strip()
                    verb = command.split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 fake.smtp")
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
                        self.reply("250 OK queued")
                    elif verb == "RSET":
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("502 Not implemented")

        return Handler
