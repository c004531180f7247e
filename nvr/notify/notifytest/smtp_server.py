#!/usr/bin/python3
"""An SMTP server for Porchlight's tests: Debian's aiosmtpd, not our code.

Usage: smtp_server.py CERT KEY USER PASSWORD RECORD_FILE MODE [PORT]

Listens on 127.0.0.1:PORT (0: any) and prints the port on stdout. MODE is "starttls" (plain connection
that must be upgraded with STARTTLS before AUTH and mail) or "tls" (implicit TLS from the first byte).
AUTH (PLAIN, LOGIN) is required and checked against USER and PASSWORD. Every mail accepted is appended
to RECORD_FILE as one JSON line {"from", "to", "data" (base64 of the raw message)}; every AUTH attempt
as {"auth": true|false}.
"""
import asyncio
import base64
import json
import logging
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

warnings.filterwarnings("ignore")
logging.getLogger("mail.log").setLevel(logging.CRITICAL)  # refused handshakes are the tests' point

cert, key, user, password, record_path, mode = sys.argv[1:7]
port = int(sys.argv[7]) if len(sys.argv) > 7 else 0


def record(obj):
    with open(record_path, "a") as f:
        f.write(json.dumps(obj) + "\n")
        f.flush()


class Handler:
    async def handle_DATA(self, server, session, envelope):
        record({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                "data": base64.b64encode(envelope.original_content or envelope.content).decode()})
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
          and auth_data.password == password.encode())
    record({"auth": ok})
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(cert, key)


def factory():
    if mode == "tls":
        return SMTP(Handler(), hostname="porchlight-test", authenticator=authenticator,
                    auth_required=True, auth_require_tls=False)
    return SMTP(Handler(), hostname="porchlight-test", tls_context=ctx, require_starttls=True,
                authenticator=authenticator, auth_required=True, auth_require_tls=True)


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
srv = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", port,
                                                 ssl=ctx if mode == "tls" else None))
print(srv.sockets[0].getsockname()[1], flush=True)
loop.run_forever()
