package config

import (
	"errors"
	"flag"
	"fmt"
	"time"
)

// DefaultDrainDelay is how long a stopping server stays up, unready,
// before it closes: load balancers probe every few seconds and need a
// couple of failed probes to take an instance out.
const DefaultDrainDelay = 5 * time.Second

// drainFlags declares --drain-delay (PARLEY_DRAIN_DELAY).
func drainFlags(fs *flag.FlagSet, env Env, c *Config) error {
	v, err := lookup(env, "PARLEY_DRAIN_DELAY", DefaultDrainDelay.String())
	if err != nil {
		return err
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("PARLEY_DRAIN_DELAY %q: %w", v, err)
	}
	fs.DurationVar(&c.DrainDelay, "drain-delay", d, "on SIGTERM, how long /readyz answers 503 before live streams and the listener close, so that load balancers take the instance out first; 0: at once (env PARLEY_DRAIN_DELAY)")
	return nil
}

// validateDrain checks the settings of drainFlags.
func (c *Config) validateDrain() error {
	if c.DrainDelay < 0 {
		return errors.New("drain delay must not be negative")
	}
	return nil
}
