// go_chat PORT KEYFILE: a goroutine-per-client chat server speaking papaya's wire protocol
// (docs/chat.md): the client sends the 128-byte key (closed without a byte if wrong, short or
// later than 1 s), then `user: text\n` lines of at most 4096 bytes; every accepted line is
// appended to an in-memory log and sent to every client in log order; a joining client first
// gets the last 7 lines. One reader and one writer goroutine per client; the writer's queue is
// unbounded, so a slow client never blocks the others and never loses a line.
package main

import (
	"bufio"
	"crypto/subtle"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

type client struct {
	mu    sync.Mutex
	cond  *sync.Cond
	queue [][]byte
	done  bool
}

type hub struct {
	mu      sync.Mutex
	clients map[*client]bool
	log     [][]byte
}

func (h *hub) join(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	start := len(h.log) - 7
	if start < 0 {
		start = 0
	}
	c.push(h.log[start:]...)
	h.clients[c] = true
}

func (h *hub) leave(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
	c.mu.Lock()
	c.done = true
	c.cond.Signal()
	c.mu.Unlock()
}

func (h *hub) append(line []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log = append(h.log, line)
	if len(h.log) > 1024 {
		h.log = h.log[len(h.log)-7:]
	}
	for c := range h.clients {
		c.push(line)
	}
}

func (c *client) push(lines ...[]byte) {
	c.mu.Lock()
	c.queue = append(c.queue, lines...)
	c.cond.Signal()
	c.mu.Unlock()
}

func (c *client) writer(conn net.Conn) {
	for {
		c.mu.Lock()
		for len(c.queue) == 0 && !c.done {
			c.cond.Wait()
		}
		if c.done {
			c.mu.Unlock()
			return
		}
		batch := c.queue
		c.queue = nil
		c.mu.Unlock()
		for _, b := range batch {
			if _, err := conn.Write(b); err != nil {
				return
			}
		}
	}
}

func serve(h *hub, key []byte, conn net.Conn) {
	defer conn.Close()
	got := make([]byte, 128)
	conn.SetReadDeadline(time.Now().Add(time.Second))
	if _, err := io.ReadFull(conn, got); err != nil || subtle.ConstantTimeCompare(got, key) != 1 {
		return
	}
	conn.SetReadDeadline(time.Time{})
	c := &client{}
	c.cond = sync.NewCond(&c.mu)
	h.join(c)
	defer h.leave(c)
	go c.writer(conn)
	r := bufio.NewReaderSize(conn, 4096)
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull { // longer than 4096: refused whole, up to its newline
			for err == bufio.ErrBufferFull {
				_, err = r.ReadSlice('\n')
			}
			continue
		}
		if err != nil {
			return
		}
		h.append(append([]byte(nil), line...))
	}
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go_chat PORT KEYFILE")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[2])
	key := strings.SplitN(string(raw), "\n", 2)[0]
	if err != nil || len(key) != 128 {
		fmt.Fprintln(os.Stderr, "go_chat: the key file's first line must be 128 characters")
		os.Exit(2)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "go_chat:", err)
		os.Exit(1)
	}
	h := &hub{clients: map[*client]bool{}}
	for {
		conn, err := l.Accept()
		if err != nil {
			continue
		}
		go serve(h, []byte(key), conn)
	}
}
