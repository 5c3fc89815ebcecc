// Command slowheaders is the slow-header (slowloris) client of loadtest.sh: it
// opens -conns connections to -addr, sends the start of a request, and then one
// more header byte a second, never finishing, for at most -for. It prints one
// JSON line: how many connections the server cut off, and after how long.
//
//	go run ./internal/loadtest/cmd/slowheaders -addr 127.0.0.1:8080 -conns 200 -for 30s
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "", "HOST:PORT of the server (loopback)")
	conns := flag.Int("conns", 200, "slow connections to open")
	limit := flag.Duration("for", 30*time.Second, "give up on a connection after this long")
	flag.Parse()
	if *addr == "" || *conns <= 0 {
		fmt.Fprintln(os.Stderr, "slowheaders: need -addr and a positive -conns")
		os.Exit(2)
	}
	var (
		mu     sync.Mutex
		cut    []time.Duration
		failed int
		wg     sync.WaitGroup
	)
	for range *conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			conn, err := net.DialTimeout("tcp", *addr, 5*time.Second)
			if err != nil {
				mu.Lock()
				failed++
				mu.Unlock()
				return
			}
			defer conn.Close()
			conn.SetDeadline(start.Add(*limit))
			closed := make(chan struct{})
			go func() {
				io.Copy(io.Discard, conn) // returns when the server closes
				close(closed)
			}()
			if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Slow: "); err == nil {
				tick := time.NewTicker(time.Second)
				defer tick.Stop()
			loop:
				for {
					select {
					case <-closed:
						break loop
					case <-tick.C:
						if _, err := conn.Write([]byte("a")); err != nil {
							break loop
						}
					}
				}
			}
			<-closed
			d := time.Since(start)
			if d < *limit-100*time.Millisecond {
				mu.Lock()
				cut = append(cut, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(cut)
	out := map[string]any{"conns": *conns, "dial_failed": failed, "cut_off": len(cut), "held_to_limit": *conns - failed - len(cut)}
	if len(cut) > 0 {
		out["median_cut_s"] = cut[len(cut)/2].Seconds()
		out["max_cut_s"] = cut[len(cut)-1].Seconds()
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
