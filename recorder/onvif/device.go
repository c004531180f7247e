package onvif

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// DeviceInfo is GetDeviceInformation's answer.
type DeviceInfo struct {
	Manufacturer string `json:"manufacturer" xml:"Manufacturer"`
	Model        string `json:"model" xml:"Model"`
	Firmware     string `json:"firmware,omitempty" xml:"FirmwareVersion"`
	Serial       string `json:"serial,omitempty" xml:"SerialNumber"`
	HardwareID   string `json:"hardware_id,omitempty" xml:"HardwareId"`
}

// DeviceInformation asks the device's make, model, firmware and serial number.
func (c *Client) DeviceInformation(ctx context.Context) (DeviceInfo, error) {
	var r struct {
		Info DeviceInfo `xml:"Body>GetDeviceInformationResponse"`
	}
	if err := c.call(ctx, c.device, reqInfo, "", true, &r); err != nil {
		return DeviceInfo{}, fmt.Errorf("onvif GetDeviceInformation: %w", err)
	}
	i := r.Info
	for _, s := range []*string{&i.Manufacturer, &i.Model, &i.Firmware, &i.Serial, &i.HardwareID} {
		*s = oneLine(*s)
	}
	return i, nil
}

// Services are the addresses of the services we use, reached where the device answered; "" when the
// device has none.
type Services struct {
	Media  string
	Events string
}

// Services finds the media and events services: GetCapabilities, else GetServices (newer devices may
// refuse the former).
func (c *Client) Services(ctx context.Context) (Services, error) {
	var caps struct {
		Media  string `xml:"Body>GetCapabilitiesResponse>Capabilities>Media>XAddr"`
		Events string `xml:"Body>GetCapabilitiesResponse>Capabilities>Events>XAddr"`
	}
	err := c.call(ctx, c.device, reqCaps, "", true, &caps)
	if errors.Is(err, ErrUnauthorized) {
		return Services{}, fmt.Errorf("onvif GetCapabilities: %w", err)
	}
	media, events := caps.Media, caps.Events
	if err != nil || media == "" || events == "" {
		var svc struct {
			Service []struct{ Namespace, XAddr string } `xml:"Body>GetServicesResponse>Service"`
		}
		if err2 := c.call(ctx, c.device, reqServices, "", true, &svc); err2 != nil && media == "" {
			if err == nil {
				err = err2
			}
			return Services{}, fmt.Errorf("onvif GetCapabilities: %w", err)
		}
		for _, s := range svc.Service {
			switch strings.TrimSpace(s.Namespace) {
			case nsMedia:
				media = cmp.Or(media, s.XAddr)
			case nsEvents:
				events = cmp.Or(events, s.XAddr)
			}
		}
	}
	var out Services
	for _, p := range []struct {
		in  string
		out *string
	}{{media, &out.Media}, {events, &out.Events}} {
		if strings.TrimSpace(p.in) == "" {
			continue
		}
		u, err := c.at(p.in)
		if err != nil {
			return Services{}, err
		}
		*p.out = u.String()
	}
	return out, nil
}

func (c *Client) service(addr string, none error) (*url.URL, error) {
	if addr == "" {
		return nil, none
	}
	return url.Parse(addr)
}
