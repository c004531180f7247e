package keyframe

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"time"
)

// envelope is every part of the ONVIF responses we read. Tags carry no namespace, so any prefix and
// either SOAP version match (cameras differ in both); what is absent stays empty.
type envelope struct {
	Body struct {
		Fault *soapFault `xml:"Fault"`
		Date  struct {
			UTC struct {
				Date struct{ Year, Month, Day int }
				Time struct{ Hour, Minute, Second int }
			} `xml:"SystemDateAndTime>UTCDateTime"`
		} `xml:"GetSystemDateAndTimeResponse"`
		Caps struct {
			MediaXAddr string `xml:"Capabilities>Media>XAddr"`
		} `xml:"GetCapabilitiesResponse"`
		Services struct {
			Service []struct{ Namespace, XAddr string } `xml:"Service"`
		} `xml:"GetServicesResponse"`
		Profiles struct {
			Profiles []struct {
				Token string `xml:"token,attr"`
			} `xml:"Profiles"`
		} `xml:"GetProfilesResponse"`
		Snapshot struct {
			URI string `xml:"MediaUri>Uri"`
		} `xml:"GetSnapshotUriResponse"`
	}
}

// soapFault holds a SOAP 1.2 fault (Code, Reason) or a SOAP 1.1 one (faultcode, faultstring).
type soapFault struct {
	Code    string `xml:"Code>Value"`
	Subcode string `xml:"Code>Subcode>Value"`
	Reason  string `xml:"Reason>Text"`
	Code11  string `xml:"faultcode"`
	Reason1 string `xml:"faultstring"`
}

func (f *soapFault) Error() string {
	code := firstNonEmpty(f.Subcode, f.Code, f.Code11)
	reason := firstNonEmpty(f.Reason, f.Reason1)
	msg := "onvif fault " + oneLine(code)
	if reason != "" {
		msg += ": " + oneLine(reason)
	}
	if strings.Contains(strings.ToLower(code+reason), "notauthorized") || strings.Contains(strings.ToLower(reason), "not authorized") {
		msg += " (check the user and password in the camera URL)"
	}
	return msg
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// oneLine trims s to one printable line of at most 200 bytes: camera text goes into logs and the UI.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "?")), " ")
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

// parseEnvelope decodes a SOAP response body; a fault becomes the error.
func parseEnvelope(b []byte) (*envelope, error) {
	var env envelope
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	if err := d.Decode(&env); err != nil {
		return nil, fmt.Errorf("onvif: bad SOAP response: %w", err)
	}
	if env.Body.Fault != nil {
		return nil, env.Body.Fault
	}
	return &env, nil
}

// deviceTime is the camera's UTC clock from GetSystemDateAndTime, zero when absent or impossible.
func (e *envelope) deviceTime() time.Time {
	d, t := e.Body.Date.UTC.Date, e.Body.Date.UTC.Time
	if d.Year < 2000 || d.Year > 2200 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 31 ||
		t.Hour < 0 || t.Hour > 23 || t.Minute < 0 || t.Minute > 59 || t.Second < 0 || t.Second > 60 {
		return time.Time{}
	}
	return time.Date(d.Year, time.Month(d.Month), d.Day, t.Hour, t.Minute, t.Second, 0, time.UTC)
}

// The requests, with %s for the escaped arguments.
const (
	soapOpen  = `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">`
	soapClose = `</s:Envelope>`

	reqDate     = `<tds:GetSystemDateAndTime xmlns:tds="http://www.onvif.org/ver10/device/wsdl"/>`
	reqCaps     = `<tds:GetCapabilities xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><tds:Category>Media</tds:Category></tds:GetCapabilities>`
	reqServices = `<tds:GetServices xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>`
	reqProfiles = `<trt:GetProfiles xmlns:trt="http://www.onvif.org/ver10/media/wsdl"/>`
	reqSnapshot = `<trt:GetSnapshotUri xmlns:trt="http://www.onvif.org/ver10/media/wsdl"><trt:ProfileToken>%s</trt:ProfileToken></trt:GetSnapshotUri>`

	mediaNamespace = "http://www.onvif.org/ver10/media/wsdl"
)

// securityHeader is the WS-Security UsernameToken with a password digest (ONVIF Core §5.12):
// Base64(SHA1(nonce + created + password)).
const securityHeader = `<s:Header><wsse:Security s:mustUnderstand="1" ` +
	`xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" ` +
	`xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">` +
	`<wsse:UsernameToken><wsse:Username>%s</wsse:Username>` +
	`<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">%s</wsse:Password>` +
	`<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">%s</wsse:Nonce>` +
	`<wsu:Created>%s</wsu:Created></wsse:UsernameToken></wsse:Security></s:Header>`

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
