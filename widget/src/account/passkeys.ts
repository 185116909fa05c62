// The passkey functions of widget/src/passkey.ts, which the passkey
// branch adds: until they are set here, no passkey button shows.
import type { Api } from "../api";
import type { SignedIn } from "../account";

export const passkeys: {
  signIn?: (api: Api) => Promise<SignedIn>;
  register?: (api: Api, name: string) => Promise<unknown>;
} = {};
