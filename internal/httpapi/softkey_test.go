package httpapi_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
)

// softKey is a software authenticator: one ES256 passkey, made and used
// the way a browser and a platform authenticator would (attestation
// "none", user present and verified), so that the API's passkey routes
// can be tested without a browser. Its origin is the page it pretends to
// run on.
type softKey struct {
	t       testing.TB
	origin  string
	key     *ecdsa.PrivateKey
	id      []byte
	user    []byte // the user handle it was registered with
	counter uint32
}

func newSoftKey(t testing.TB, origin string) *softKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &softKey{t: t, origin: origin, key: key, id: id}
}

var b64 = base64.RawURLEncoding

// options are the parts of the creation and request options the
// authenticator reads.
type options struct {
	Ceremony  string
	PublicKey struct {
		Challenge string
		RPID      string `json:"rpId"`
		RP        struct{ ID string }
		User      struct{ ID string }
	}
}

func parseOptions(t testing.TB, body string) options {
	t.Helper()
	var o options
	if err := json.Unmarshal([]byte(body), &o); err != nil {
		t.Fatalf("options: %v: %s", err, body)
	}
	return o
}

func (k *softKey) clientData(typ, challenge string) []byte {
	raw, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": k.origin, "crossOrigin": false})
	return raw
}

// authData is the authenticator data for rpID with flags and the
// current counter, followed by extra.
func (k *softKey) authData(rpID string, flags byte, extra []byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := append(h[:], flags)
	out = binary.BigEndian.AppendUint32(out, k.counter)
	return append(out, extra...)
}

// create answers creation options with a new credential's JSON.
func (k *softKey) create(body string) string {
	k.t.Helper()
	o := parseOptions(k.t, body)
	user, err := b64.DecodeString(o.PublicKey.User.ID)
	if err != nil {
		k.t.Fatalf("user.id: %v", err)
	}
	k.user = user
	cose, err := webauthncbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: k.key.X.FillBytes(make([]byte, 32)), -3: k.key.Y.FillBytes(make([]byte, 32))})
	if err != nil {
		k.t.Fatal(err)
	}
	attested := append(make([]byte, 16), byte(len(k.id)>>8), byte(len(k.id)))
	attested = append(append(attested, k.id...), cose...)
	att, err := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": k.authData(o.PublicKey.RP.ID, 0x45, attested)})
	if err != nil {
		k.t.Fatal(err)
	}
	cred, _ := json.Marshal(map[string]any{
		"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(k.clientData("webauthn.create", o.PublicKey.Challenge)),
			"attestationObject": b64.EncodeToString(att), "transports": []string{"internal"},
		},
		"clientExtensionResults": map[string]any{},
	})
	return string(cred)
}

// get answers request options with an assertion, the counter one up.
func (k *softKey) get(body string) string {
	k.t.Helper()
	o := parseOptions(k.t, body)
	k.counter++
	data := k.authData(o.PublicKey.RPID, 0x05, nil)
	cd := k.clientData("webauthn.get", o.PublicKey.Challenge)
	h := sha256.Sum256(cd)
	sum := sha256.Sum256(append(append([]byte(nil), data...), h[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.key, sum[:])
	if err != nil {
		k.t.Fatal(err)
	}
	cred, _ := json.Marshal(map[string]any{
		"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{
			"clientDataJSON": b64.EncodeToString(cd), "authenticatorData": b64.EncodeToString(data),
			"signature": b64.EncodeToString(sig), "userHandle": b64.EncodeToString(k.user),
		},
		"clientExtensionResults": map[string]any{},
	})
	return string(cred)
}
