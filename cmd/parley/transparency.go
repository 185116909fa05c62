package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"time"

	"parley"
	"parley/internal/config"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

// transparency runs `parley transparency --site S --from D --to D
// [--format csv|json]`: the figures of a transparency report (Digital
// Services Act, Art. 15 and 24) for the days from --from up to and
// including --to, in UTC.
func transparency(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parley transparency", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, err := config.Flags(fs, env)
	if err != nil {
		return err
	}
	siteID := fs.String("site", "", "the site to report on")
	fromDay := fs.String("from", "", "the first day of the period, YYYY-MM-DD (UTC)")
	toDay := fs.String("to", "", "the last day of the period, YYYY-MM-DD (UTC), included")
	format := fs.String("format", "csv", "csv or json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	from, to, err := period(*fromDay, *toDay)
	if err != nil {
		return err
	}
	if *format != "csv" && *format != "json" {
		return fmt.Errorf("transparency: --format is csv or json, not %q", *format)
	}
	store, err := openValidated(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := service.New(store, markup.New(), realtime.NewBus(), slog.New(slog.NewTextHandler(stderr, nil)))
	t, err := svc.Transparency(ctx, *siteID, from, to)
	if err != nil {
		return fmt.Errorf("transparency: %s", parley.ErrorMessage(err))
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(t)
	}
	return writeTransparencyCSV(stdout, t)
}

// period reads the --from and --to days as [from, the day after to).
func period(fromDay, toDay string) (time.Time, time.Time, error) {
	from, err := time.Parse(time.DateOnly, fromDay)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("transparency: --from is a day such as 2026-01-01, not %q", fromDay)
	}
	to, err := time.Parse(time.DateOnly, toDay)
	if err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("transparency: --to is a day such as 2026-06-30, not %q", toDay)
	}
	if to.Before(from) {
		return time.Time{}, time.Time{}, fmt.Errorf("transparency: --to %s is before --from %s", toDay, fromDay)
	}
	return from, to.AddDate(0, 0, 1), nil
}

// writeTransparencyCSV writes the figures as rows of section, key and
// value, each map's keys in order, so that two periods' files line up.
func writeTransparencyCSV(w io.Writer, t *service.Transparency) error {
	cw := csv.NewWriter(w)
	hours := func(h float64) string { return strconv.FormatFloat(h, 'f', 2, 64) }
	rows := [][]string{{"section", "key", "value"},
		{"period", "site", t.SiteID}, {"period", "from", t.From.Format(time.DateOnly)}, {"period", "to", t.To.AddDate(0, 0, -1).Format(time.DateOnly)},
		{"notices", "total", strconv.Itoa(t.Notices)}}
	rows = appendCounts(rows, "notices_by_kind", t.NoticesByKind)
	rows = appendCounts(rows, "notice_outcomes", t.NoticeOutcomes)
	rows = append(rows, []string{"notices", "median_hours_to_decision", hours(t.MedianNoticeHours)})
	rows = appendCounts(rows, "actions", t.Actions)
	rows = appendCounts(rows, "actions_by_ground", t.ActionsByGround)
	rows = append(rows, []string{"decisions", "automated", strconv.Itoa(t.Automated)}, []string{"decisions", "human", strconv.Itoa(t.Human)},
		[]string{"complaints", "received", strconv.Itoa(t.Complaints)}, []string{"complaints", "upheld", strconv.Itoa(t.Upheld)},
		[]string{"complaints", "reversed", strconv.Itoa(t.Reversed)}, []string{"complaints", "median_hours_to_decision", hours(t.MedianComplaintHours)})
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("transparency: write CSV: %w", err)
	}
	return nil
}

func appendCounts(rows [][]string, section string, m map[string]int) [][]string {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		rows = append(rows, []string{section, k, strconv.Itoa(m[k])})
	}
	return rows
}
