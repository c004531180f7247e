// Cosigning on the Neighborhood page. A hood founded with co-stewards admits an agency only with the
// signatures of a quorum of its stewards, so a steward pastes another steward's agency invite code, sees
// what the invite allows (the answer of POST /api/v1/hoods/cosign) and passes the new code on. The page
// also shows this node's peer ID (GET /api/v1/p2p), by which a founder names it as a co-steward.
// hood.js calls hoodCosign.show and hoodCosign.showPeer. Uses api, $ and copyText from app.js.
"use strict";

const hoodCosign = (() => {
  function say(text) {
    const e = $("#cosign-error");
    e.textContent = text;
    e.hidden = !text;
  }

  // show shows or hides the card; hood.js shows it to an admin of a steward node whose hood has another
  // steward, as cosigning needs two.
  function show(on) {
    $("#cosign-card").hidden = !on;
  }

  // showPeer shows the node's peer ID, in a hood or not: a co-steward is named before it joins.
  async function showPeer() {
    try {
      $("#hood-peer-id").textContent = (await api("GET", "/api/v1/p2p")).id;
      $("#hood-peer").hidden = false;
    } catch (e) {
      $("#hood-peer").hidden = true; // no peer-to-peer network: the page says so in #hood-error
    }
  }

  async function onCosign(ev) {
    ev.preventDefault();
    say("");
    $("#cosign-new").hidden = true;
    const b = $("#cosign-submit");
    b.disabled = true;
    try {
      const c = await api("POST", "/api/v1/hoods/cosign", { code: $("#cosign-code").value.trim() });
      review(c);
      $("#cosign-result").value = c.code;
      $("#cosign-copy").textContent = "Copy";
      $("#cosign-new").hidden = false;
      $("#cosign-code").value = "";
    } catch (e) {
      say(`Not cosigned: ${e.message}`);
    } finally {
      b.disabled = false;
    }
  }

  // review lists what the invite allows, so the steward sees what it vouches for before passing it on.
  function review(c) {
    const when = t => new Date(t).toLocaleString();
    const area = +c.max_area_sq_mi.toPrecision(3); // the credential holds square metres: 0.49999997... reads 0.5
    const caps = [`${area} sq mi at most`, `windows up to ${duration(c.max_window)}`, `${c.per_day} requests a day`];
    const facts = [
      ["Neighborhood", c.hood_name],
      ["Where", `within ${c.radius} m of ${c.lat}, ${c.lon}`],
      ["Limits", caps.join(", ")],
      ["Credential expires", when(c.credential_expires)],
      ["Signed by", `${c.signers.length} of the ${c.quorum} stewards needed: ${c.signers.map(memberName).join(", ")}`],
      ["Code valid until", when(c.invite_expires)],
    ];
    $("#cosign-review").replaceChildren(...facts.flatMap(([k, v]) => {
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = k;
      dd.textContent = v;
      return [dt, dd];
    }));
    const short = c.quorum - c.signers.length;
    $("#cosign-next").textContent = short > 0
      ? `It needs ${short} more ${short === 1 ? "steward" : "stewards"}: give this code to another steward to cosign.`
      : "It has enough signatures: give this code to the agency to join with.";
  }

  // memberName is a steward's name from the member list on the page, else its peer ID.
  function memberName(id) {
    return document.querySelector(`#member-list li[data-id="${CSS.escape(id)}"] .member-name`)?.textContent || id;
  }

  // duration trims a Go duration's zero tail: "12h0m0s" reads "12h".
  function duration(d) {
    return d.replace(/([hm])0s$/, "$1").replace(/h0m$/, "h");
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("#cosign-form").addEventListener("submit", onCosign);
    $("#cosign-copy").addEventListener("click", () =>
      copyText($("#cosign-result").value, $("#cosign-copy"), () => $("#cosign-result").select()));
    $("#hood-peer-copy").addEventListener("click", () =>
      copyText($("#hood-peer-id").textContent, $("#hood-peer-copy"), () => getSelection().selectAllChildren($("#hood-peer-id"))));
  });

  return { show, showPeer };
})();
