package sandbox

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"dossier/indexer/parse"
)

// envServe starts a child that parses file after file (see Pool).
const envServe = "DOSSIER_SANDBOX_SERVE"

// DefaultMaxUses is how many files a pooled child parses before it is replaced,
// so that whatever a parser leaks stays bounded.
const DefaultMaxUses = 200

// Pool parses in long-lived child processes, each taking one file at a time:
// starting a child costs tens of milliseconds of CPU, more than parsing a
// typical PDF. The limits are Parser's: a deadline per file, a memory limit and
// a cap on the answer. A child that runs past the deadline, crashes or answers
// too much is killed and never reused; the next file gets a fresh one. Its
// methods are safe for concurrent use; Close it when done.
type Pool struct {
	Exe       string // the executable that calls Main; required
	Memory    int64  // per child; DefaultMemory when zero
	MaxOutput int64  // per answer; DefaultMaxOutput when zero
	MaxUses   int    // files per child; DefaultMaxUses when zero

	mu     sync.Mutex
	idle   []*pooledChild
	closed bool
}

// pooledChild is one running child and the pipes to it.
type pooledChild struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr *lockedCapped
	uses   int
}

// Parse parses data with the child's parser called name, within timeout
// (DefaultTimeout when zero).
func (p *Pool) Parse(ctx context.Context, name string, data []byte, timeout time.Duration) (*parse.Document, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	maxOut := p.MaxOutput
	if maxOut <= 0 {
		maxOut = DefaultMaxOutput
	}
	c, err := p.take()
	if err != nil {
		return nil, err
	}
	c.stderr.reset()

	// The deadline and ctx are enforced by killing the child, which ends any
	// read or write in progress.
	var expired, cancelled bool
	var mu sync.Mutex
	kill := func(timedOut bool) {
		mu.Lock()
		defer mu.Unlock()
		if timedOut {
			expired = true
		} else {
			cancelled = true
		}
		c.cmd.Process.Kill()
	}
	timer := time.AfterFunc(timeout, func() { kill(true) })
	stop := context.AfterFunc(ctx, func() { kill(false) })
	answer, over, err := c.exchange(name, data, maxOut)
	timer.Stop()
	stop()
	mu.Lock()
	timedOut, gone := expired, cancelled
	mu.Unlock()

	switch {
	case timedOut:
		c.discard()
		return nil, errTimedOut(name, timeout)
	case gone:
		c.discard()
		return nil, ctx.Err()
	case over:
		c.discard()
		return nil, errOutputOver(name, maxOut)
	case err != nil:
		// The child died mid-file: say how, with the runtime's own words.
		how := err.Error()
		if werr := c.discard(); werr != nil {
			how = werr.Error()
		}
		return nil, errCrashed(name, how, c.stderr.String())
	}
	var r reply
	if err := json.Unmarshal(answer, &r); err != nil || (r.Doc == nil && r.Error == "") {
		c.discard()
		return nil, fmt.Errorf("the %s parser answered something unreadable", name)
	}
	p.put(c)
	return r.result()
}

// exchange sends one file and reads the answer, refusing one over maxOut bytes.
func (c *pooledChild) exchange(name string, data []byte, maxOut int64) (answer []byte, over bool, err error) {
	head := binary.BigEndian.AppendUint32(nil, uint32(len(name)))
	head = append(head, name...)
	head = binary.BigEndian.AppendUint64(head, uint64(len(data)))
	if _, err := c.in.Write(head); err != nil {
		return nil, false, err
	}
	if _, err := c.in.Write(data); err != nil {
		return nil, false, err
	}
	var size [8]byte
	if _, err := io.ReadFull(c.out, size[:]); err != nil {
		return nil, false, err
	}
	n := binary.BigEndian.Uint64(size[:])
	if n > uint64(maxOut) {
		return nil, true, nil
	}
	answer = make([]byte, n)
	if _, err := io.ReadFull(c.out, answer); err != nil {
		return nil, false, err
	}
	return answer, false, nil
}

// take returns an idle child or starts one.
func (p *Pool) take() (*pooledChild, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, errors.New("sandbox pool is closed")
	}
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return c, nil
	}
	p.mu.Unlock()
	return p.start()
}

func (p *Pool) start() (*pooledChild, error) {
	memory := p.Memory
	if memory <= 0 {
		memory = DefaultMemory
	}
	cmd := exec.Command(p.Exe)
	cmd.Env = append(os.Environ(), envServe+"=1", envMemory+"="+strconv.FormatInt(memory, 10))
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr := &lockedCapped{c: capped{max: 8 << 10}}
	cmd.Stderr = stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start a sandbox child: %w", err)
	}
	return &pooledChild{cmd: cmd, in: in, out: bufio.NewReader(out), stderr: stderr}, nil
}

// put returns a child to the pool, or retires it when it has done its share.
func (p *Pool) put(c *pooledChild) {
	c.uses++
	maxUses := p.MaxUses
	if maxUses <= 0 {
		maxUses = DefaultMaxUses
	}
	p.mu.Lock()
	if !p.closed && c.uses < maxUses {
		p.idle = append(p.idle, c)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	c.stop()
}

// discard kills the child and returns how it ended.
func (c *pooledChild) discard() error {
	c.cmd.Process.Kill()
	c.in.Close()
	return c.cmd.Wait()
}

// stop ends an idle child: with its input closed it exits by itself.
func (c *pooledChild) stop() {
	c.in.Close()
	done := make(chan struct{})
	go func() {
		c.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		c.cmd.Process.Kill()
		<-done
	}
}

// Close stops the idle children; children busy with a file stop when it is done.
func (p *Pool) Close() error {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, c := range idle {
		c.stop()
	}
	return nil
}

// serve is a pooled child: it answers file after file until its input ends.
// Each request is the parser's name (4-byte length first) and the file (8-byte
// length first); each answer is a reply as JSON, 8-byte length first.
func serve(parsers map[string]parse.Parser, in io.Reader, out io.Writer) int {
	limitSelf()
	r := bufio.NewReader(in)
	w := bufio.NewWriter(out)
	for {
		var n4 [4]byte
		if _, err := io.ReadFull(r, n4[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return 0
			}
			return 2
		}
		name := make([]byte, binary.BigEndian.Uint32(n4[:]))
		var n8 [8]byte
		if _, err := io.ReadFull(r, name); err != nil {
			return 2
		}
		if _, err := io.ReadFull(r, n8[:]); err != nil {
			return 2
		}
		data := make([]byte, binary.BigEndian.Uint64(n8[:]))
		if _, err := io.ReadFull(r, data); err != nil {
			return 2
		}
		answer, err := json.Marshal(parseOne(parsers, string(name), data))
		if err != nil {
			answer, _ = json.Marshal(reply{Error: fmt.Sprintf("sandbox: encode the answer: %v", err)})
		}
		w.Write(binary.BigEndian.AppendUint64(nil, uint64(len(answer))))
		w.Write(answer)
		if err := w.Flush(); err != nil {
			return 2
		}
	}
}

// lockedCapped is a capped buffer a child's stderr copier and the parent share.
type lockedCapped struct {
	mu sync.Mutex
	c  capped
}

func (l *lockedCapped) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.c.Write(p)
}

func (l *lockedCapped) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.c.buf.Reset()
	l.c.over = false
}

func (l *lockedCapped) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.c.buf.String()
}
