// Passkeys (WebAuthn) for the widget: the ceremony runs in the
// publisher's page, so the browser's own navigator.credentials does the
// work and this file only translates. The server speaks WebAuthn's JSON
// forms (byte fields in unpadded base64url); the browser API wants
// ArrayBuffers in and hands ArrayBuffers out. No UI here: callers show
// ApiError keys from the catalog ("error." + key).
import { Api, ApiError, enc } from "./api";

// SignedIn is what every sign-in answers.
export interface SignedIn {
  session: string;
  expiresAt: string;
  user: { id: string; name: string; role: string; badges: string[] };
}

// Passkey is one entry of the reader's list.
export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

// passkeysSupported reports whether this browser can make and use
// passkeys at all (not whether the reader has one).
export function passkeysSupported(): boolean {
  return typeof window.PublicKeyCredential == "function" && typeof navigator.credentials?.create == "function";
}

export function fromBase64url(s: string): ArrayBuffer {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

export function toBase64url(b: ArrayBuffer | null): string | null {
  if (!b) return null;
  let bin = "";
  for (const c of new Uint8Array(b)) bin += String.fromCharCode(c);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// descriptors decodes the IDs of a credential list.
function descriptors(list?: any[]): PublicKeyCredentialDescriptor[] | undefined {
  return list?.map((d) => ({ ...d, id: fromBase64url(d.id) }));
}

function creationOptions(o: any): PublicKeyCredentialCreationOptions {
  return {
    ...o,
    challenge: fromBase64url(o.challenge),
    user: { ...o.user, id: fromBase64url(o.user.id) },
    excludeCredentials: descriptors(o.excludeCredentials),
  };
}

function requestOptions(o: any): PublicKeyCredentialRequestOptions {
  return { ...o, challenge: fromBase64url(o.challenge), allowCredentials: descriptors(o.allowCredentials) };
}

// credentialJSON is the PublicKeyCredential as the server reads it: the
// shape of WebAuthn Level 3's toJSON(), built by hand for browsers that
// lack it.
function credentialJSON(c: PublicKeyCredential): unknown {
  const r: any = c.response;
  const response: Record<string, unknown> = { clientDataJSON: toBase64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toBase64url(r.attestationObject);
    response.transports = r.getTransports?.() || [];
  } else {
    response.authenticatorData = toBase64url(r.authenticatorData);
    response.signature = toBase64url(r.signature);
    response.userHandle = toBase64url(r.userHandle);
  }
  return {
    id: c.id,
    rawId: toBase64url(c.rawId),
    type: c.type,
    authenticatorAttachment: (c as any).authenticatorAttachment || undefined,
    response,
    clientExtensionResults: c.getClientExtensionResults(),
  };
}

// ceremony runs one browser step and turns its refusals into ApiErrors:
// the reader closing the dialog is NotAllowedError.
async function ceremony(run: () => Promise<Credential | null>): Promise<PublicKeyCredential> {
  if (!passkeysSupported()) throw new ApiError("unsupported", "passkeyUnsupported");
  let c: Credential | null;
  try {
    c = await run();
  } catch (e) {
    if (e instanceof DOMException && e.name == "InvalidStateError") throw new ApiError("conflict", "passkeyExists");
    throw new ApiError("cancelled", "passkeyCancelled");
  }
  if (!c) throw new ApiError("cancelled", "passkeyCancelled");
  return c as PublicKeyCredential;
}

const auth = (api: Api, step: string) => `/sites/${enc(api.site)}/auth/passkey/${step}`;

// registerPasskey adds a passkey named name for the signed-in reader (a
// session from an e-mail link or a passkey).
export async function registerPasskey(api: Api, name: string): Promise<Passkey> {
  const o = await api.call("POST", auth(api, "register/options"));
  const c = await ceremony(() => navigator.credentials.create({ publicKey: creationOptions(o.publicKey) }));
  return api.call("POST", auth(api, "register"), { ceremony: o.ceremony, name, credential: credentialJSON(c) });
}

// signInWithPasskey lets the reader pick one of their passkeys for the
// site and signs them in; the caller keeps the session it answers.
export async function signInWithPasskey(api: Api): Promise<SignedIn> {
  const o = await api.call("POST", auth(api, "signin/options"));
  const c = await ceremony(() => navigator.credentials.get({ publicKey: requestOptions(o.publicKey) }));
  return api.call("POST", auth(api, "signin"), { ceremony: o.ceremony, credential: credentialJSON(c) });
}

// listPasskeys and removePasskey manage the reader's passkeys.
export async function listPasskeys(api: Api): Promise<Passkey[]> {
  return (await api.call("GET", `/sites/${enc(api.site)}/me/passkeys`)).passkeys;
}

export function removePasskey(api: Api, id: string): Promise<unknown> {
  return api.call("DELETE", `/sites/${enc(api.site)}/me/passkeys/${enc(id)}`);
}
