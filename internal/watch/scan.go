package watch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/platforms"
)

// ScanOnce re-scans the fleet's platforms (each one whose scan lease this
// instance gets, so that instances sharing a store take turns), records
// their inventories with the inventory events, and then re-evaluates every
// platform of the fleet from the store.
func (w *Watcher) ScanOnce(ctx context.Context) error {
	w.round.Lock()
	defer w.round.Unlock()
	var errs []error
	errs = append(errs, w.refreshAdvisories(ctx))
	var leased []platforms.PlatformConfig
	for _, pc := range w.fleet.Platforms {
		ok, err := w.st.Acquire(ctx, leasePrefixScan+pc.Name, w.id, w.cfg.Scan)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("scan %s: %w", pc.Name, err))
		case ok:
			leased = append(leased, pc)
		}
	}
	results := w.scan(ctx, &platforms.Fleet{Platforms: leased})
	if err := ctx.Err(); err != nil {
		return err // an interrupted scan is no scan failure
	}
	for _, r := range results {
		if err := w.recordScan(ctx, r); err != nil {
			errs = append(errs, fmt.Errorf("record scan of %s: %w", r.Platform.Name, err))
		}
	}
	w.mu.Lock()
	w.nextScan = w.now().Add(w.cfg.jitter(w.cfg.Scan, w.rand()))
	w.mu.Unlock()
	errs = append(errs, w.evaluateAll(ctx))
	return joinSome(errs)
}

// recordScan stores one platform's scan, with an inventory event when the
// projects or their versions changed since the last scan. A failed scan
// keeps the last inventory and records the error.
func (w *Watcher) recordScan(ctx context.Context, r platforms.FleetResult) error {
	pc := r.Platform
	var hash string
	if r.Err == nil {
		hash = inventoryHash(r.Inventory)
	}
	for attempt := 0; ; attempt++ {
		raw, old, err := w.getPlatform(ctx, pc.Name)
		if err != nil {
			return err
		}
		rec := old
		rec.Name, rec.Path, rec.Tags = pc.Name, pc.Path, pc.Tags
		rec.ScannedAt = w.now()
		var events []store.NewEvent
		var ev *InventoryEvent
		if r.Err != nil {
			rec.ScanError = r.Err.Error()
			w.log.Warn("platform scan failed", "platform", pc.Name, "err", r.Err)
		} else {
			rec.ScanError = ""
			if old.Inventory != nil && old.InventoryHash != hash {
				ev = DiffInventories(pc.Name, old.Inventory, r.Inventory)
			}
			rec.Inventory, rec.InventoryHash = r.Inventory, hash
		}
		if ev != nil {
			data, err := json.Marshal(ev)
			if err != nil {
				return err
			}
			events = append(events, store.NewEvent{Kind: EventPlatformInventory, Key: pc.Name, Data: data})
		}
		value, err := encodePlatformRecord(rec)
		if err != nil {
			return fmt.Errorf("encode platform record: %w", err)
		}
		var b store.Batch
		if raw == nil {
			b.IfAbsent(BucketPlatforms, pc.Name)
		} else {
			b.IfEqual(BucketPlatforms, pc.Name, raw)
		}
		b.Put(BucketPlatforms, pc.Name, value)
		b.Events = events
		_, err = w.st.Apply(ctx, b)
		if err == nil {
			if ev != nil {
				w.m.appended(EventPlatformInventory)
				w.log.Info("platform inventory changed", "platform", pc.Name, "added", ev.Added, "removed", ev.Removed, "changed", len(ev.Changed))
			}
			return nil
		}
		if !errors.Is(err, store.ErrConflict) || attempt+1 == maxConflicts {
			return err
		}
	}
}

// inventoryHash is the hex SHA-256 of an inventory's JSON: equal hashes,
// equal inventories.
func inventoryHash(inv *drupal.Inventory) string {
	b, err := json.Marshal(inv)
	if err != nil {
		panic(fmt.Sprintf("watch: hash inventory: %v", err)) // plain data cannot fail
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// DiffInventories returns what a re-scan of a platform found changed: the
// projects added and removed, and those whose version changed (a missing
// version shows as ""). It returns nil when none did.
func DiffInventories(platform string, old, new *drupal.Inventory) *InventoryEvent {
	ev := &InventoryEvent{Platform: platform}
	for _, name := range slices.Sorted(maps.Keys(new.Projects)) {
		o, ok := old.Projects[name]
		if !ok {
			ev.Added = append(ev.Added, name)
			continue
		}
		ov, _ := o.VersionString()
		nv, _ := new.Projects[name].VersionString()
		if ov != nv {
			if ev.Changed == nil {
				ev.Changed = map[string][2]string{}
			}
			ev.Changed[name] = [2]string{ov, nv}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(old.Projects)) {
		if _, ok := new.Projects[name]; !ok {
			ev.Removed = append(ev.Removed, name)
		}
	}
	if ev.Added == nil && ev.Removed == nil && ev.Changed == nil {
		return nil
	}
	return ev
}
