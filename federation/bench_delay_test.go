//go:build linux

package federation

// The userspace packet delay of the netem benchmark, for kernels without the netem qdisc: packets leaving
// the namespace's lo are queued to this process by an iptables NFQUEUE rule and released after the delay.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// benchDelayer holds every packet that netfilter queues (NFQUEUE 0) for a fixed time and then lets it
// go: a stand-in for netem on kernels built without it. Packets leave in order; one batch verdict
// releases every packet up to the newest one that is due.
type benchDelayer struct {
	f     *os.File // non-blocking, so reads wait in the netpoller and close ends them
	rc    syscall.RawConn
	delay time.Duration
	queue chan benchQueued
	wg    sync.WaitGroup
}

type benchQueued struct {
	id uint32
	at time.Time
}

// nfnetlink_queue message and attribute types (linux/netfilter/nfnetlink_queue.h).
const (
	nfqMsgPacket       = 3<<8 | 0 // NFNL_SUBSYS_QUEUE<<8 | NFQNL_MSG_PACKET
	nfqMsgConfig       = 3<<8 | 2
	nfqMsgVerdictBatch = 3<<8 | 3
	nfqCfgCmd          = 1
	nfqCfgParams       = 2
	nfqCfgQueueMaxlen  = 3
	nfqPacketHdr       = 1
	nfqVerdictHdr      = 2
	nfqCmdBind         = 1
	nfqCopyMeta        = 1
	nfAccept           = 1
)

// startBenchDelayer binds NFQUEUE 0 of namespace ns: a socket opened there stays there when the thread
// goes back to the process's namespace.
func startBenchDelayer(ns string, delay time.Duration) (*benchDelayer, error) {
	fd, err := benchNetlinkIn(ns)
	if err != nil {
		return nil, err
	}
	syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, 16<<20)
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	d := &benchDelayer{f: os.NewFile(uintptr(fd), "nfqueue"), delay: delay, queue: make(chan benchQueued, 1<<20)}
	if d.rc, err = d.f.SyscallConn(); err != nil {
		d.f.Close()
		return nil, err
	}
	params := append(binary.BigEndian.AppendUint32(nil, 0xffff), nfqCopyMeta)
	for _, attrs := range [][]byte{
		nlAttr(nfqCfgCmd, []byte{nfqCmdBind, 0, 0, 0}),
		append(nlAttr(nfqCfgParams, params), nlAttr(nfqCfgQueueMaxlen, binary.BigEndian.AppendUint32(nil, 1<<16))...),
	} {
		if err := d.send(nfqMsgConfig, attrs, true); err != nil {
			d.f.Close()
			return nil, fmt.Errorf("nfqueue config: %w", err)
		}
	}
	d.wg.Add(2)
	go func() { defer d.wg.Done(); d.read() }()
	go func() { defer d.wg.Done(); d.release() }()
	return d, nil
}

// benchNetlinkIn opens a netfilter netlink socket in namespace ns.
func benchNetlinkIn(ns string) (int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	self, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", syscall.Gettid()))
	if err != nil {
		return -1, err
	}
	defer self.Close()
	target, err := os.Open("/var/run/netns/" + ns)
	if err != nil {
		return -1, err
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		return -1, fmt.Errorf("setns %s: %w", ns, err)
	}
	fd, serr := syscall.Socket(syscall.AF_NETLINK, syscall.SOCK_RAW|syscall.SOCK_CLOEXEC, syscall.NETLINK_NETFILTER)
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		panic(fmt.Sprintf("cannot return to the process's network namespace: %v", err))
	}
	if serr != nil {
		return -1, fmt.Errorf("netfilter netlink socket: %w", serr)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK}); err != nil {
		syscall.Close(fd)
		return -1, err
	}
	return fd, nil
}

func (d *benchDelayer) close() {
	d.f.Close()
	d.wg.Wait()
}

// recv reads one datagram, waiting in the netpoller.
func (d *benchDelayer) recv(buf []byte) (n int, err error) {
	if rerr := d.rc.Read(func(fd uintptr) bool {
		n, _, err = syscall.Recvfrom(int(fd), buf, 0)
		return err != syscall.EAGAIN
	}); rerr != nil {
		return 0, rerr
	}
	return n, err
}

// send sends one nfnetlink message for queue 0 and, with ack, waits for the kernel's answer.
func (d *benchDelayer) send(typ uint16, attrs []byte, ack bool) error {
	flags := uint16(syscall.NLM_F_REQUEST)
	if ack {
		flags |= syscall.NLM_F_ACK
	}
	msg := binary.NativeEndian.AppendUint32(nil, uint32(syscall.NLMSG_HDRLEN+4+len(attrs)))
	msg = binary.NativeEndian.AppendUint16(msg, typ)
	msg = binary.NativeEndian.AppendUint16(msg, flags)
	msg = append(msg, make([]byte, 8)...)         // sequence, port
	msg = append(msg, syscall.AF_UNSPEC, 0, 0, 0) // nfgenmsg: family, version, queue number 0
	msg = append(msg, attrs...)
	var err error
	if werr := d.rc.Write(func(fd uintptr) bool {
		err = syscall.Sendto(int(fd), msg, 0, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK})
		return err != syscall.EAGAIN
	}); werr != nil {
		return werr
	}
	if err != nil || !ack {
		return err
	}
	buf := make([]byte, 8192)
	n, err := d.recv(buf)
	if err != nil {
		return err
	}
	msgs, err := syscall.ParseNetlinkMessage(buf[:n])
	if err != nil || len(msgs) == 0 || msgs[0].Header.Type != syscall.NLMSG_ERROR || len(msgs[0].Data) < 4 {
		return fmt.Errorf("unexpected answer %v (%v)", msgs, err)
	}
	if e := int32(binary.NativeEndian.Uint32(msgs[0].Data)); e != 0 {
		return syscall.Errno(-e)
	}
	return nil
}

func nlAttr(typ uint16, payload []byte) []byte {
	a := binary.NativeEndian.AppendUint16(nil, uint16(4+len(payload)))
	a = append(binary.NativeEndian.AppendUint16(a, typ), payload...)
	for len(a)%4 != 0 {
		a = append(a, 0)
	}
	return a
}

// read queues the ID and arrival time of every packet the kernel hands over, until close.
func (d *benchDelayer) read() {
	defer close(d.queue)
	buf := make([]byte, 1<<20)
	for {
		n, err := d.recv(buf)
		if errors.Is(err, syscall.ENOBUFS) {
			continue // notifications lost: the batch verdicts release those packets too
		}
		if err != nil {
			return // closed
		}
		now := time.Now()
		msgs, _ := syscall.ParseNetlinkMessage(buf[:n])
		for _, m := range msgs {
			if m.Header.Type != nfqMsgPacket || len(m.Data) < 4 {
				continue
			}
			for b := m.Data[4:]; len(b) >= 4; {
				l, typ := int(binary.NativeEndian.Uint16(b)), binary.NativeEndian.Uint16(b[2:])&0x3fff
				if l < 4 || l > len(b) {
					break
				}
				if typ == nfqPacketHdr && l >= 8 {
					d.queue <- benchQueued{id: binary.BigEndian.Uint32(b[4:]), at: now}
				}
				b = b[min((l+3)&^3, len(b)):]
			}
		}
	}
}

// release accepts packets as they fall due, one verdict for all that are due at once.
func (d *benchDelayer) release() {
	var next *benchQueued
	for {
		q, ok := benchQueued{}, true
		if next != nil {
			q, next = *next, nil
		} else if q, ok = <-d.queue; !ok {
			return
		}
		time.Sleep(time.Until(q.at.Add(d.delay)))
		last := q.id
	due:
		for {
			select {
			case n, ok := <-d.queue:
				if !ok {
					break due
				}
				if time.Until(n.at.Add(d.delay)) > 0 {
					next = &n
					break due
				}
				last = n.id
			default:
				break due
			}
		}
		d.verdict(last)
	}
}

func (d *benchDelayer) verdict(id uint32) {
	v := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, nfAccept), id)
	d.send(nfqMsgVerdictBatch, nlAttr(nfqVerdictHdr, v), false)
}
