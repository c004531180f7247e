package onvif

import (
	"context"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/ipv4"
)

// DiscoveryGroup is WS-Discovery's multicast group and port.
const DiscoveryGroup = "239.255.255.250:3702"

// Limits of a probe.
const (
	DefaultProbeWait = 3 * time.Second
	maxDevices       = 256
	maxDatagram      = 64 << 10
)

// ProbeOptions aim a probe; the zero value probes the LAN for DefaultProbeWait.
type ProbeOptions struct {
	Group      string        // "" = DiscoveryGroup
	Interfaces []string      // names; empty = every up, multicast-capable, non-loopback IPv4 interface
	Wait       time.Duration // how long answers are collected; 0 = DefaultProbeWait
}

// Found is a device that answered a probe.
type Found struct {
	Endpoint string   `json:"endpoint"` // its stable id (urn:uuid:…)
	XAddrs   []string `json:"xaddrs"`   // device service URLs, http(s) only
	Types    []string `json:"types"`
	Scopes   []string `json:"scopes"`
	Name     string   `json:"name,omitempty"`     // from the onvif://www.onvif.org/name/ scope
	Hardware string   `json:"hardware,omitempty"` // from the onvif://www.onvif.org/hardware/ scope
	From     string   `json:"from"`               // the address the answer came from
}

// Probe sends a WS-Discovery Probe for NetworkVideoTransmitter devices and returns those that answered
// within the wait (or until ctx ends), one per endpoint, in the order they answered.
func Probe(ctx context.Context, o ProbeOptions) ([]Found, error) {
	group := o.Group
	if group == "" {
		group = DiscoveryGroup
	}
	dst, err := net.ResolveUDPAddr("udp4", group)
	if err != nil {
		return nil, fmt.Errorf("onvif probe: group %q: %w", group, err)
	}
	ifs, err := interfaces(o.Interfaces)
	if err != nil {
		return nil, err
	}
	wait := o.Wait
	if wait <= 0 {
		wait = DefaultProbeWait
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	id := "urn:uuid:" + uuid()
	msg := []byte(probeMessage(id))

	var (
		mu    sync.Mutex
		found []Found
		seen  = map[string]bool{}
		errs  []error
		wg    sync.WaitGroup
	)
	add := func(f Found) {
		mu.Lock()
		defer mu.Unlock()
		if seen[f.Endpoint] || len(found) == maxDevices {
			return
		}
		seen[f.Endpoint] = true
		found = append(found, f)
	}
	for _, ifi := range ifs {
		conn, err := net.ListenUDP("udp4", &net.UDPAddr{})
		if err != nil {
			return nil, fmt.Errorf("onvif probe: %w", err)
		}
		pc := ipv4.NewPacketConn(conn)
		if ifi != nil {
			if err := pc.SetMulticastInterface(ifi); err != nil {
				conn.Close()
				errs = append(errs, fmt.Errorf("onvif probe on %s: %w", ifi.Name, err))
				continue
			}
		}
		_ = pc.SetMulticastTTL(1)
		if _, err := conn.WriteToUDP(msg, dst); err != nil {
			conn.Close()
			errs = append(errs, fmt.Errorf("onvif probe: send to %s: %w", group, err))
			continue
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			readMatches(ctx, conn, id, add)
		}()
		go func() {
			defer wg.Done()
			repeatProbe(ctx, conn, msg, dst)
		}()
	}
	wg.Wait()
	if len(found) == 0 && len(errs) > 0 && len(errs) == len(ifs) {
		return nil, errors.Join(errs...)
	}
	return found, nil
}

// Repeats of a probe: UDP loses datagrams, so SOAP-over-UDP sends a multicast message more than once;
// answers to each are told apart by endpoint.
const (
	probeRepeats     = 2
	probeRepeatDelay = 250 * time.Millisecond
)

// repeatProbe sends msg again probeRepeats times, probeRepeatDelay apart, while ctx lasts.
func repeatProbe(ctx context.Context, conn *net.UDPConn, msg []byte, dst *net.UDPAddr) {
	t := time.NewTicker(probeRepeatDelay)
	defer t.Stop()
	for range probeRepeats {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := conn.WriteToUDP(msg, dst); err != nil {
			return
		}
	}
}

// readMatches reads answers on conn until ctx ends, then closes it.
func readMatches(ctx context.Context, conn *net.UDPConn, id string, add func(Found)) {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	buf := make([]byte, maxDatagram)
	for {
		n, from, err := conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		for _, f := range ParseProbeMatches(buf[:n], id) {
			f.From = from.IP.String()
			add(f)
		}
	}
}

// interfaces returns the named interfaces, or every up multicast non-loopback one with an IPv4 address;
// a nil entry lets the kernel choose (a machine with none of those).
func interfaces(names []string) ([]*net.Interface, error) {
	if len(names) > 0 {
		out := make([]*net.Interface, 0, len(names))
		for _, n := range names {
			ifi, err := net.InterfaceByName(n)
			if err != nil {
				return nil, fmt.Errorf("onvif probe: interface %q: %w", n, err)
			}
			out = append(out, ifi)
		}
		return out, nil
	}
	all, err := net.Interfaces()
	if err != nil {
		return nil, fmt.Errorf("onvif probe: %w", err)
	}
	var out []*net.Interface
	for i := range all {
		ifi := &all[i]
		if ifi.Flags&net.FlagUp == 0 || ifi.Flags&net.FlagMulticast == 0 || ifi.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifi.Addrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil {
				out = append(out, ifi)
				break
			}
		}
	}
	if len(out) == 0 {
		out = append(out, nil)
	}
	return out, nil
}

func probeMessage(id string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>` +
		`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing">` +
		`<s:Header><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>` +
		`<a:MessageID>` + id + `</a:MessageID>` +
		`<a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>` +
		`<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>` +
		`<s:Body><Probe xmlns="http://schemas.xmlsoap.org/ws/2005/04/discovery">` +
		`<Types xmlns:dn="http://www.onvif.org/ver10/network/wsdl">dn:NetworkVideoTransmitter</Types>` +
		`</Probe></s:Body></s:Envelope>`
}

// ParseProbeMatches reads a ProbeMatches message; id, when not "", must be what it relates to (devices
// that leave RelatesTo out are believed). Matches without an http(s) XAddr are left out.
func ParseProbeMatches(b []byte, id string) []Found {
	var env struct {
		RelatesTo string `xml:"Header>RelatesTo"`
		Matches   []struct {
			Address string `xml:"EndpointReference>Address"`
			Types   string `xml:"Types"`
			Scopes  string `xml:"Scopes"`
			XAddrs  string `xml:"XAddrs"`
		} `xml:"Body>ProbeMatches>ProbeMatch"`
	}
	if len(b) > maxDatagram || xml.Unmarshal(b, &env) != nil {
		return nil
	}
	if rt := strings.TrimSpace(env.RelatesTo); id != "" && rt != "" && rt != id {
		return nil
	}
	var out []Found
	for _, m := range env.Matches {
		f := Found{Endpoint: oneLine(m.Address), Types: fields(m.Types), Scopes: fields(m.Scopes)}
		for _, x := range fields(m.XAddrs) {
			if u, err := url.Parse(x); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
				u.User = nil
				f.XAddrs = append(f.XAddrs, u.String())
			}
		}
		if len(f.XAddrs) == 0 {
			continue
		}
		if f.Endpoint == "" {
			f.Endpoint = f.XAddrs[0]
		}
		for _, s := range f.Scopes {
			if v, ok := strings.CutPrefix(s, "onvif://www.onvif.org/name/"); ok {
				f.Name = scopeValue(v)
			}
			if v, ok := strings.CutPrefix(s, "onvif://www.onvif.org/hardware/"); ok {
				f.Hardware = scopeValue(v)
			}
		}
		out = append(out, f)
	}
	return out
}

// fields splits a space-separated list, at most 32 entries of one line each.
func fields(s string) []string {
	f := strings.Fields(s)
	if len(f) > 32 {
		f = f[:32]
	}
	for i := range f {
		f[i] = oneLine(f[i])
	}
	return f
}

func scopeValue(v string) string {
	if u, err := url.PathUnescape(v); err == nil {
		v = u
	}
	return oneLine(v)
}

func uuid() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
