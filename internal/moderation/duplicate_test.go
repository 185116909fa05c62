package moderation

import "testing"

func TestBodyHash(t *testing.T) {
	same := []string{
		"Great article, thanks!",
		"  great ARTICLE,\n\tthanks!\n",
		"Great  article,\u00a0thanks!",
	}
	for _, s := range same[1:] {
		if BodyHash(s) != BodyHash(same[0]) {
			t.Errorf("BodyHash(%q) differs from BodyHash(%q)", s, same[0])
		}
	}
	if BodyHash("Die STRASSE ist gesperrt") != BodyHash("die straße ist gesperrt") {
		t.Errorf("full case folding: STRASSE and straße differ")
	}
	for _, s := range []string{"Great article, thanks", "Great article, thanks!!", "Greatarticle, thanks!"} {
		if BodyHash(s) == BodyHash(same[0]) {
			t.Errorf("BodyHash(%q) equals BodyHash(%q)", s, same[0])
		}
	}
}
