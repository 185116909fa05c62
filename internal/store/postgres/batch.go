package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"parley"
)

// maxCommentBatch caps how many comments share one transaction, so that
// one batch never holds its callers' answers (and its row locks) for long.
const maxCommentBatch = 64

// batchSenders is how many batches may be in flight at once. A commit
// waits for its WAL flush (1.1 to 1.5 ms for one fdatasync on the build
// machine, 2 to 20 ms while other work shares its disk), and a batch that
// waits holds no CPU: with several in flight, one batch runs while the
// others wait, and PostgreSQL flushes their commits together. Measured
// with 16 posters in process (BenchmarkCreateCommentBatched): one in
// flight halved the backends' CPU per comment but also the rate, which
// then follows the flush's latency; four kept the rate of one statement
// each at 0.55 of its backend CPU. Through the whole server, eight wrote
// 12,830-12,902 comments in a run where four wrote 10,269-10,295 (ABBA).
const batchSenders = 8

// batcher writes the comments that posters send at the same moment in
// one round trip and one commit.
//
// Why: a comment is one statement (createCommentSQL), and on two cores a
// statement of its own costs more around it than in it: the loopback trip
// there and back, two context switches, the wake-up of a backend and its
// commit. Profiled with 16 posters, 60% of the PostgreSQL backends' CPU
// was in the kernel (send, receive, scheduling, fdatasync), not in the
// executor. The batcher queues the statements of every comment waiting
// when it starts a batch and sends them as one pipeline (pgx.Batch) that
// ends in one Sync: PostgreSQL runs them in one implicit transaction,
// committed (durably, synchronous_commit stays on) when the Sync is
// answered, so every caller is acknowledged only after that commit.
//
// A statement that fails aborts the whole pipeline, and none of it is
// written: the batcher then runs each comment of the batch again as a
// statement of its own, so that each caller gets its own answer (the one
// whose story is gone gets ENOTFOUND, the others are written). An error
// that is not the server's answer (the connection broke before the commit
// was answered) fails every caller of the batch: none was acknowledged,
// and it is unknown whether the commit happened, so nothing is retried.
//
// Concurrent batches (batchSenders) lock rows in one order: each batch is
// sorted by parent, and a poster waits for one comment at a time, so two
// batches meet only on parents, which they take in the same order. What
// remains (two tabs of one author, a count slot shared by two backends,
// another instance) is a deadlock that the server breaks with an error,
// answered by the retry.
type batcher struct {
	pool    *pgxpool.Pool
	reqs    chan *commentRequest
	mu      sync.RWMutex // held for reading while sending on reqs
	closed  bool
	stopped chan struct{}
}

// commentRequest is one createCommentSQL waiting for its batch.
type commentRequest struct {
	ctx  context.Context // the caller's: a request whose caller left is skipped
	args []any
	done chan commentResult // buffered, so that the batcher never blocks on an answer
}

// commentResult is the answer to a commentRequest: what createCommentSQL
// returned (1 when it inserted the comment) or why it failed.
type commentResult struct {
	inserted int
	err      error
}

func startBatcher(pool *pgxpool.Pool) *batcher {
	b := &batcher{pool: pool, reqs: make(chan *commentRequest, maxCommentBatch), stopped: make(chan struct{})}
	var wg sync.WaitGroup
	for range batchSenders {
		wg.Go(b.run)
	}
	go func() {
		wg.Wait()
		close(b.stopped)
	}()
	return b
}

// createComment runs createCommentSQL with args in the next batch and
// returns its result once the batch's commit is answered. If ctx ends
// first it returns ctx's error; the comment is then skipped if its batch
// had not started, or written if it had.
func (b *batcher) createComment(ctx context.Context, args []any) (int, error) {
	req := &commentRequest{ctx: ctx, args: args, done: make(chan commentResult, 1)}
	if err := b.enqueue(ctx, req); err != nil {
		return 0, err
	}
	select {
	case res := <-req.done:
		return res.inserted, res.err
	case <-ctx.Done():
		return 0, fmt.Errorf("postgres: waiting for commit: %w", ctx.Err())
	}
}

func (b *batcher) enqueue(ctx context.Context, req *commentRequest) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return parley.Errorf(parley.EUNAVAILABLE, "The database is closed.")
	}
	select {
	case b.reqs <- req:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("postgres: waiting for the batcher: %w", ctx.Err())
	}
}

// close stops taking comments, lets the queued ones commit and waits for
// the batcher to end.
func (b *batcher) close() {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.reqs)
	}
	b.mu.Unlock()
	<-b.stopped
}

// run takes a request, adds every request queued behind it up to
// maxCommentBatch, and writes them together, until the queue is closed
// and empty. It never waits for more: a lone poster pays no delay.
func (b *batcher) run() {
	batch := make([]*commentRequest, 0, maxCommentBatch)
	for req := range b.reqs {
		batch = append(batch[:0], req)
	fill:
		for len(batch) < maxCommentBatch {
			select {
			case r, ok := <-b.reqs:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		b.write(sortByParent(live(batch)))
	}
}

// live answers the requests whose callers left and returns the others.
func live(batch []*commentRequest) []*commentRequest {
	out := batch[:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- commentResult{err: fmt.Errorf("postgres: comment skipped: %w", err)}
			continue
		}
		out = append(out, r)
	}
	return out
}

// sortByParent orders a batch by parent ID (createCommentSQL's $4),
// top-level comments first, so that concurrent batches lock parents in
// the same order.
func sortByParent(batch []*commentRequest) []*commentRequest {
	slices.SortStableFunc(batch, func(a, b *commentRequest) int {
		return strings.Compare(a.args[3].(string), b.args[3].(string))
	})
	return batch
}

// write sends batch as one pipeline and answers every request. Its
// statements use a context of their own: one caller giving up must not
// abort the others' transaction.
func (b *batcher) write(batch []*commentRequest) {
	ctx := context.Background()
	if len(batch) == 1 {
		b.writeAlone(ctx, batch[0])
		return
	}
	var pb pgx.Batch
	for _, r := range batch {
		pb.Queue(createCommentSQL, r.args...)
	}
	results := make([]int, len(batch))
	br := b.pool.SendBatch(ctx, &pb)
	var err error
	for i := range batch {
		if err = br.QueryRow().Scan(&results[i]); err != nil {
			break
		}
	}
	if closeErr := br.Close(); err == nil {
		err = closeErr
	}
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		for i, r := range batch {
			r.done <- commentResult{inserted: results[i]}
		}
	case errors.As(err, &pgErr):
		// The server refused a statement or the commit: the pipeline's
		// transaction is rolled back, so each may be written alone.
		for _, r := range batch {
			b.writeAlone(ctx, r)
		}
	default:
		for _, r := range batch {
			r.done <- commentResult{err: fmt.Errorf("postgres: batch of %d comments: %w", len(batch), err)}
		}
	}
}

// aloneAttempts bounds how often writeAlone runs a statement that the
// server rolled back to break a deadlock.
const aloneAttempts = 4

// writeAlone runs one request as a statement (and transaction) of its own.
// A deadlock with another batch or instance rolls the statement back
// whole, so it is run again, a few times: the poster should not see an
// error for a lock order it cannot influence.
func (b *batcher) writeAlone(ctx context.Context, r *commentRequest) {
	var res commentResult
	for range aloneAttempts {
		res.err = b.pool.QueryRow(ctx, createCommentSQL, r.args...).Scan(&res.inserted)
		if !rolledBackByServer(res.err) {
			break
		}
	}
	r.done <- res
}

// rolledBackByServer reports whether err is PostgreSQL breaking a deadlock
// (40P01) or a serialization failure (40001): the transaction did nothing
// and may be run again.
func rolledBackByServer(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}
