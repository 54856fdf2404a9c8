package bolt

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/drupdate/drupdate/internal/store"
)

// crashEnv tells a re-run test binary to be the writer that gets killed.
const crashEnv = "DRUPDATE_STORE_CRASH_WRITER"

// A process killed while applying batches leaves each batch whole: a
// history, its index entry and its event, all of one generation.
func TestKilledWriterLeavesWholeBatches(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashWriter(path)
		return
	}
	path := filepath.Join(t.TempDir(), "drupdate.db")
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWriterLeavesWholeBatches$")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it mid-stream, at a different moment each round.
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || line != "writing\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: writer said %q, %v", round, line, err)
		}
		time.Sleep(time.Duration(50+70*round) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()

		gen := checkGenerations(t, path)
		t.Logf("round %d: killed after generation %d", round, gen)
	}
}

// crashWriter applies generations of a history until killed.
func crashWriter(path string) {
	s, err := Open(path, Options{LockTimeout: 10 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx := context.Background()
	gen := 0
	if v, err := s.Get(ctx, "index", "views"); err == nil {
		gen, _ = strconv.Atoi(string(v))
	}
	for i := 0; ; i++ {
		if i == 1 {
			fmt.Println("writing")
		}
		gen++
		var b store.Batch
		b.Put("histories", "views", history(gen)).
			Put("index", "views", []byte(strconv.Itoa(gen))).
			Append("release.new", "views", json.RawMessage(strconv.Itoa(gen)))
		if _, err := s.Apply(ctx, b); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
}

func history(gen int) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("gen=%d;", gen)), 10000)
}

// checkGenerations checks that the store at path holds one generation
// throughout and returns it.
func checkGenerations(t *testing.T, path string) int {
	t.Helper()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open(%q) after the kill = %v", path, err)
	}
	defer s.Close()
	ctx := context.Background()
	idx, err := s.Get(ctx, "index", "views")
	if err != nil {
		t.Fatalf("Get(ctx, %q, %q) = %v", "index", "views", err)
	}
	gen, _ := strconv.Atoi(string(idx))
	if h, err := s.Get(ctx, "histories", "views"); err != nil || !bytes.Equal(h, history(gen)) {
		t.Errorf("Get(ctx, %q, %q) = %.20q… (%d bytes), %v; want generation %d", "histories", "views", h, len(h), err, gen)
	}
	evs, err := s.Events(ctx, uint64(gen)-1, 10)
	if err != nil || len(evs) != 1 || evs[0].Seq != uint64(gen) || string(evs[0].Data) != strconv.Itoa(gen) {
		t.Errorf("Events(ctx, %d, 10) = %v, %v; want exactly event %d of generation %d", gen-1, evs, err, gen, gen)
	}
	return gen
}
