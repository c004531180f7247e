#!/usr/bin/python3
"""A webhook receiver for Porchlight's tests, written apart from the Go code that signs.

Usage: webhook_receiver.py SECRET_FILE RECORD_FILE [PORT]

Listens on 127.0.0.1:PORT (0: any), prints the port on stdout, and for every POST checks
X-Porchlight-Signature (sha256=hex HMAC-SHA256 of "<X-Porchlight-Timestamp>.<body>" with the secret) and
that the timestamp is within 300 s of now and equal to the body's "timestamp". A good delivery is
appended to RECORD_FILE as one JSON line {"delivery", "body", "received" (Unix seconds)} and answered 204; a bad one is answered 401
and recorded as {"bad": reason}. A delivery id seen before is answered 204 and not recorded again.
"""
import hashlib
import hmac
import json
import sys
import time
from http.server import HTTPServer, BaseHTTPRequestHandler

secret = open(sys.argv[1], "rb").read().strip()
record_path = sys.argv[2]
port = int(sys.argv[3]) if len(sys.argv) > 3 else 0
seen = set()


def record(obj):
    with open(record_path, "a") as f:
        f.write(json.dumps(obj) + "\n")
        f.flush()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        ts = self.headers.get("X-Porchlight-Timestamp", "")
        sig = self.headers.get("X-Porchlight-Signature", "")
        want = "sha256=" + hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        reason = None
        if not hmac.compare_digest(sig, want):
            reason = "signature"
        elif not ts.isdigit() or abs(time.time() - int(ts)) > 300:
            reason = "timestamp"
        else:
            doc = json.loads(body)
            if doc.get("timestamp") != int(ts):
                reason = "timestamp mismatch"
        if reason:
            record({"bad": reason})
            self.send_response(401)
            self.end_headers()
            return
        delivery = self.headers.get("X-Porchlight-Delivery", "")
        if delivery not in seen:
            seen.add(delivery)
            record({"delivery": delivery, "body": doc, "received": time.time()})
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


srv = HTTPServer(("127.0.0.1", port), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
