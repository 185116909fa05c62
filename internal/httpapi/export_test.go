package httpapi

// PasskeyBurst is how many ceremonies one client may start at once.
const PasskeyBurst = passkeyBurst
