package onvif

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"time"
)

// Namespaces of the requests.
const (
	nsDevice = "http://www.onvif.org/ver10/device/wsdl"
	nsMedia  = "http://www.onvif.org/ver10/media/wsdl"
	nsEvents = "http://www.onvif.org/ver10/events/wsdl"
	nsSchema = "http://www.onvif.org/ver10/schema"
	nsWSN    = "http://docs.oasis-open.org/wsn/b-2"
	nsWSA    = "http://www.w3.org/2005/08/addressing"
)

// envelope wraps header elements and a body element, each on one line: some devices (and the recorded
// device of our tests) read the Body with a line-based pattern, and request elements carry their
// namespace as the default one for the same reason.
func envelope(header, body string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	b.WriteString(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="` + nsWSA + `">`)
	if header != "" {
		b.WriteString(`<s:Header>` + header + `</s:Header>`)
	}
	b.WriteString(`<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">`)
	b.WriteString(body)
	b.WriteString(`</s:Body></s:Envelope>`)
	return b.String()
}

// The requests, with %s for escaped arguments.
const (
	reqDate     = `<GetSystemDateAndTime xmlns="` + nsDevice + `"/>`
	reqInfo     = `<GetDeviceInformation xmlns="` + nsDevice + `"/>`
	reqCaps     = `<GetCapabilities xmlns="` + nsDevice + `"><Category>All</Category></GetCapabilities>`
	reqServices = `<GetServices xmlns="` + nsDevice + `"><IncludeCapability>false</IncludeCapability></GetServices>`
	reqProfiles = `<GetProfiles xmlns="` + nsMedia + `"/>`
	reqStream   = `<GetStreamUri xmlns="` + nsMedia + `"><StreamSetup><Stream xmlns="` + nsSchema + `">RTP-Unicast</Stream>` +
		`<Transport xmlns="` + nsSchema + `"><Protocol>RTSP</Protocol></Transport></StreamSetup><ProfileToken>%s</ProfileToken></GetStreamUri>`
	reqSnapshot = `<GetSnapshotUri xmlns="` + nsMedia + `"><ProfileToken>%s</ProfileToken></GetSnapshotUri>`
)

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// parseResponse decodes a SOAP response into out, whose tags start at the Envelope's children
// ("Body>GetProfilesResponse>Profiles") and match local names only: cameras differ in prefixes and SOAP
// versions. A fault becomes the error.
func parseResponse(b []byte, out any) error {
	var env struct {
		Fault *Fault `xml:"Body>Fault"`
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	if err := d.Decode(&env); err != nil {
		return fmt.Errorf("onvif: bad SOAP response: %w", err)
	}
	if env.Fault != nil {
		return env.Fault
	}
	if out == nil {
		return nil
	}
	if err := xml.NewDecoder(bytes.NewReader(b)).Decode(out); err != nil {
		return fmt.Errorf("onvif: bad SOAP response: %w", err)
	}
	return nil
}

// dateResponse is GetSystemDateAndTime's.
type dateResponse struct {
	UTC struct {
		Date struct{ Year, Month, Day int }
		Time struct{ Hour, Minute, Second int }
	} `xml:"Body>GetSystemDateAndTimeResponse>SystemDateAndTime>UTCDateTime"`
}

// time is the camera's UTC clock, zero when absent or impossible.
func (r *dateResponse) time() time.Time {
	d, t := r.UTC.Date, r.UTC.Time
	if d.Year < 2000 || d.Year > 2200 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 31 ||
		t.Hour < 0 || t.Hour > 23 || t.Minute < 0 || t.Minute > 59 || t.Second < 0 || t.Second > 60 {
		return time.Time{}
	}
	return time.Date(d.Year, time.Month(d.Month), d.Day, t.Hour, t.Minute, t.Second, 0, time.UTC)
}
