// Package redistest runs throwaway redis-server processes for tests, so
// that code using the Redis store is tested against a real server.
package redistest

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Server starts a redis-server on a free loopback port, without
// persistence, stops it when tb ends, and returns its URL,
// redis://127.0.0.1:PORT/0. args go to redis-server after the defaults
// ("--requirepass", "pw", say).
//
// Without a redis-server on PATH, Server skips tb, saying why, unless the
// environment has CI=true: CI installs redis-server (.ci/run), so there
// the absence fails tb instead of quietly dropping the Redis tests.
func Server(tb testing.TB, args ...string) string {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("CI=true but no redis-server on PATH (.ci/run installs it): %v", err)
		}
		tb.Skip("skipping: no redis-server on PATH (apt-get install redis-server, or run .ci/run)")
	}
	// Another process may take the free port between our probe and
	// redis-server's bind; try again on a new one then.
	var log string
	for range 3 {
		url, out, ok := start(tb, bin, args)
		if ok {
			return url
		}
		log = out
	}
	tb.Fatalf("redis-server did not start; its output:\n%s", log)
	return ""
}

// start runs one redis-server and reports whether it answered.
func start(tb testing.TB, bin string, args []string) (url, output string, ok bool) {
	tb.Helper()
	port := freePort(tb)
	var out bytes.Buffer
	cmd := exec.Command(bin, append([]string{
		"--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no",
		"--dir", tb.TempDir(), "--daemonize", "no",
	}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start redis-server: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	addr := net.JoinHostPort("127.0.0.1", port)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		select {
		case <-exited:
			return "", out.String(), false
		default:
		}
		if answers(addr) {
			tb.Cleanup(func() {
				cmd.Process.Kill()
				<-exited
			})
			return "redis://" + addr + "/0", "", true
		}
	}
	cmd.Process.Kill()
	<-exited
	return "", out.String(), false
}

// answers reports whether a Redis server answers PING at addr; a server
// that wants a password first answers too.
func answers(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && (strings.HasPrefix(line, "+PONG") || strings.HasPrefix(line, "-NOAUTH"))
}

func freePort(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}
