package postgres

import (
	"context"
	"sync"
	"testing"

	"parley"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/store/storetest"
)

// mustOpen opens a store on a fresh database that is dropped after t.
func mustOpen(t testing.TB) *Store {
	t.Helper()
	return mustOpenURL(t, pgtest.URL(t))
}

func mustOpenURL(t testing.TB, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestStore runs the contract suite. Its stores share one database, each in
// a fresh schema, which keeps the suite fast.
func TestStore(t *testing.T) {
	db := pgtest.URL(t)
	storetest.Run(t, func(t *testing.T) parley.Store { return mustOpenURL(t, pgtest.SchemaURL(t, db)) })
}

// TestMigrateConcurrently starts several instances against one empty
// database at once: each migration must apply exactly once.
func TestMigrateConcurrently(t *testing.T) {
	url := pgtest.URL(t)
	const instances = 4
	var wg sync.WaitGroup
	errs := make([]error, instances)
	for i := range instances {
		wg.Go(func() {
			s, err := Open(t.Context(), url)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: Open: %v", i, err)
		}
	}
	s := mustOpen(t)
	var applied, distinct int
	err := s.pool.QueryRow(t.Context(), `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).
		Scan(&applied, &distinct)
	if err != nil {
		t.Fatal(err)
	}
	if names, _ := migrations.ReadDir("migrations"); applied != len(names) || distinct != applied {
		t.Errorf("schema_migrations holds %d rows (%d versions), want %d", applied, distinct, len(names))
	}
}

// TestKeySharedBetweenInstances opens the same database with two pools, as
// two instances would, and checks that both agree on a key made while both
// ask for it.
func TestKeySharedBetweenInstances(t *testing.T) {
	url := pgtest.URL(t)
	a, b := mustOpenURL(t, url), mustOpenURL(t, url)
	storetest.MustAgreeOnKey(t, "form", a, b, a, b, a, b)
}

// TestClaimsSharedBetweenInstances opens the same database with several
// pools, as instances running relays would, and checks that no message is
// claimed by two of them.
func TestClaimsSharedBetweenInstances(t *testing.T) {
	url := pgtest.URL(t)
	a, b, c := mustOpenURL(t, url), mustOpenURL(t, url), mustOpenURL(t, url)
	storetest.MustClaimOnce(t, parley.Now(), a, b, c, a, b, c)
}
