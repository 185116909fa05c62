// The passkey ceremonies of the account UI (widget/src/passkey.ts): the
// sign-in panel and the profile offer them where the site does.
import { listPasskeys, registerPasskey, removePasskey, signInWithPasskey } from "../passkey";

export const passkeys = { signIn: signInWithPasskey, register: registerPasskey, list: listPasskeys, remove: removePasskey };
