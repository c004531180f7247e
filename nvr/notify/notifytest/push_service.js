// A stand-in for a Web Push service, for tests: it takes the pushes a node sends to the endpoints of the
// subscriptions the test made, checks the VAPID Authorization header (RFC 8292: an ES256 JWT whose aud is
// this service's origin, with exp and sub, and k the node's public key) with node's crypto, and decrypts
// the body with http_ece, the reference implementation of RFC 8188 (web-push-libs / Martin Thomson's
// encrypted-content-encoding), using the subscription's private key and auth secret (RFC 8291).
//
// Usage: node push_service.js DIR PORT. DIR/subs.json, read at every request, is
//   {"vapid": "<the key GET /api/v1/push/key served>", "subs": {"NAME": {"private": b64url, "auth": b64url,
//    "status": 201}}}
// and each push to /NAME is appended as one JSON line to DIR/record.jsonl:
//   {"name", "status", "payload" (the decrypted JSON), "claims", "headers", "bad" (why it was refused)}.
// It prints its port on the first line of stdout.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const http = require("http");
const path = require("path");
const ece = require("http_ece");

const [dir, port] = process.argv.slice(2);
const b64 = s => Buffer.from(s, "base64url");

// verifyVAPID checks the header and returns the JWT's claims, or throws saying why not.
function verifyVAPID(header, vapidKey, origin) {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header || "");
  if (!m) throw new Error(`Authorization is not "vapid t=…, k=…": ${header}`);
  const [, jwt, k] = m;
  if (k !== vapidKey) throw new Error(`k=${k} is not the node's public key ${vapidKey}`);
  const [h, c, sig] = jwt.split(".");
  const head = JSON.parse(b64(h).toString());
  if (head.alg !== "ES256") throw new Error(`alg ${head.alg}, want ES256`);
  const pub = b64(k);
  if (pub.length !== 65 || pub[0] !== 4) throw new Error("k is not an uncompressed P-256 point");
  const key = crypto.createPublicKey({ key: { kty: "EC", crv: "P-256", x: pub.subarray(1, 33).toString("base64url"),
    y: pub.subarray(33).toString("base64url") }, format: "jwk" });
  const ok = crypto.verify("sha256", Buffer.from(`${h}.${c}`), { key, dsaEncoding: "ieee-p1363" }, b64(sig));
  if (!ok) throw new Error("the JWT's signature does not verify with k");
  const claims = JSON.parse(b64(c).toString());
  const now = Date.now() / 1000;
  if (claims.aud !== origin) throw new Error(`aud ${claims.aud}, want ${origin}`);
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600)) throw new Error(`exp ${claims.exp} is not within a day from now`);
  if (!/^(mailto:|https:)/.test(claims.sub || "")) throw new Error(`sub ${claims.sub} is no mailto: or https: URL`);
  return claims;
}

function record(line) {
  fs.appendFileSync(path.join(dir, "record.jsonl"), JSON.stringify(line) + "\n");
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", c => chunks.push(c));
  req.on("end", () => {
    const name = req.url.replace(/^\//, "");
    const line = { name, headers: { ttl: req.headers.ttl, urgency: req.headers.urgency,
      "content-encoding": req.headers["content-encoding"] } };
    let status = 400;
    try {
      const cfg = JSON.parse(fs.readFileSync(path.join(dir, "subs.json")));
      const sub = cfg.subs[name];
      if (req.method !== "POST" || !sub) throw new Error(`${req.method} to unknown subscription ${name}`);
      status = sub.status || 201;
      line.claims = verifyVAPID(req.headers.authorization, cfg.vapid, `http://${req.headers.host}`);
      if (req.headers["content-encoding"] !== "aes128gcm") throw new Error("Content-Encoding is not aes128gcm");
      if (!(Number(req.headers.ttl) > 0)) throw new Error(`TTL ${req.headers.ttl}`);
      const receiver = crypto.createECDH("prime256v1");
      receiver.setPrivateKey(b64(sub.private));
      const plain = ece.decrypt(Buffer.concat(chunks), { version: "aes128gcm", privateKey: receiver,
        authSecret: b64(sub.auth) });
      line.payload = JSON.parse(plain.toString("utf8"));
    } catch (e) {
      line.bad = String(e && e.message || e);
      status = 400;
    }
    line.status = status;
    record(line);
    res.writeHead(status);
    res.end();
  });
});
server.listen(Number(port), "127.0.0.1", () => console.log(server.address().port));
