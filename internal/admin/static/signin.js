// The sign-ins of the moderator UI that need a script. Each ends in a
// session token or a link's one-time code, which the page posts in its
// hidden form to /admin/session: only the server turns it into the
// HttpOnly cookie, after asking the service whether its holder may
// moderate the site.
const $ = (sel, root = document) => root.querySelector(sel);

export function signIn() {
  const box = $("#signin");
  if (box) methods(box);
  const done = $("#linkdone");
  if (done) finishLink(done);
  const kept = $("#kept");
  if (kept) listKept(kept);
}

// keep posts what a sign-in gave to the server.
function keep(root, fields) {
  const form = $("[data-session-form]", root);
  for (const [k, v] of Object.entries(fields)) form.elements[k].value = v;
  form.submit();
}

function problem(root, text) {
  const p = $("[data-problem]", root);
  if (p) p.textContent = text;
}

// finishLink exchanges the code a sign-in link put in the fragment. The
// fragment never reaches a server and is taken out of the address at once.
function finishLink(root) {
  const code = new URLSearchParams(location.hash.slice(1)).get("parley-code");
  const siteID = new URLSearchParams(location.search).get("site");
  history.replaceState(null, "", location.pathname + location.search);
  if (!code || !siteID) return problem(root, root.dataset.noCode || "");
  keep(root, { site: siteID, code });
}

// storedSessions are the sessions a sign-in link without a return page
// (`parley admin bootstrap`) left in Parley's own localStorage.
function storedSessions() {
  const out = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k.startsWith("parley:session:")) out.push({ site: k.slice("parley:session:".length), session: localStorage.getItem(k) });
    }
  } catch {
    // storage refused: nothing kept
  }
  return out;
}

// listKept offers the kept sessions on the page that asks for a site.
function listKept(box) {
  const kept = storedSessions();
  if (!kept.length) return;
  const ul = $("ul", box);
  for (const k of kept) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "/admin/signin?site=" + encodeURIComponent(k.site);
    a.textContent = k.site;
    li.append(a);
    ul.append(li);
  }
  box.hidden = false;
}

function methods(box) {
  const siteID = box.dataset.site;
  const fail = (e) => problem(box, e && e.message ? e.message : String(e || ""));
  const kept = storedSessions().find((k) => k.site === siteID);
  const keptButton = $("[data-kept]", box);
  if (keptButton) {
    keptButton.parentElement.hidden = !kept;
    keptButton.addEventListener("click", () => {
      try {
        localStorage.removeItem("parley:session:" + siteID); // the cookie holds it from now on
      } catch {}
      keep(box, { session: kept.session });
    });
  }
  $("[data-passkey]", box)?.addEventListener("click", () => passkey(siteID).then((s) => keep(box, { session: s }), fail));
  $("[data-oidc]", box)?.addEventListener("click", () => oidc(siteID, document.documentElement.lang).then((s) => keep(box, { session: s }), fail));
}

async function api(path, body) {
  const res = await fetch("/api/v1" + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error?.message || res.statusText);
  return data;
}

const b64 = {
  decode(s) {
    const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer;
  },
  encode(buf) {
    if (!buf) return null;
    return btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  },
};

// passkey signs in with a discoverable credential of the site.
async function passkey(siteID) {
  const site = encodeURIComponent(siteID);
  const o = await api(`/sites/${site}/auth/passkey/signin/options`);
  const pk = o.publicKey;
  const cred = await navigator.credentials.get({
    publicKey: { ...pk, challenge: b64.decode(pk.challenge), allowCredentials: (pk.allowCredentials || []).map((d) => ({ ...d, id: b64.decode(d.id) })) },
  });
  const r = cred.response;
  const credential = {
    id: cred.id, rawId: b64.encode(cred.rawId), type: cred.type,
    response: { clientDataJSON: b64.encode(r.clientDataJSON), authenticatorData: b64.encode(r.authenticatorData), signature: b64.encode(r.signature), userHandle: b64.encode(r.userHandle) },
  };
  const out = await api(`/sites/${site}/auth/passkey/signin`, { ceremony: o.ceremony, credential });
  return out.session;
}

// oidc signs in in a popup, which answers with one message from our own
// origin.
function oidc(siteID, lang) {
  const url = `/auth/oidc/start?site=${encodeURIComponent(siteID)}&origin=${encodeURIComponent(location.origin)}&lang=${encodeURIComponent(lang)}`;
  const popup = window.open(url, "parley-oidc", "popup,width=500,height=650");
  return new Promise((resolve, reject) => {
    if (!popup) return reject(new Error("popup blocked"));
    const on = (e) => {
      if (e.origin !== location.origin || e.source !== popup || e.data?.type !== "parley:signin") return;
      removeEventListener("message", on);
      e.data.session ? resolve(e.data.session) : reject(new Error(e.data.error || "refused"));
    };
    addEventListener("message", on);
  });
}
