package onvif

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Subscription is a PullPoint subscription (ONVIF Core §9.1): Pull asks for what happened since, Renew
// keeps it alive, Unsubscribe ends it. Its methods are for one goroutine at a time.
type Subscription struct {
	c    *Client
	addr *url.URL
	// Termination is when the device ends the subscription unless renewed, on the device's clock; zero
	// when it did not say.
	Termination time.Time
}

// maxNotifications bounds the messages one Pull asks for.
const maxNotifications = 64

// Subscribe makes a PullPoint subscription at the events service events that lasts d unless renewed.
func (c *Client) Subscribe(ctx context.Context, events string, d time.Duration) (*Subscription, error) {
	eu, err := c.service(events, ErrNoEvents)
	if err != nil {
		return nil, err
	}
	var r struct {
		Address     string `xml:"Body>CreatePullPointSubscriptionResponse>SubscriptionReference>Address"`
		Termination string `xml:"Body>CreatePullPointSubscriptionResponse>TerminationTime"`
	}
	body := `<CreatePullPointSubscription xmlns="` + nsEvents + `"><InitialTerminationTime>` + duration(d) +
		`</InitialTerminationTime></CreatePullPointSubscription>`
	hdr := addressing(nsEvents+"/EventPortType/CreatePullPointSubscriptionRequest", eu)
	if err := c.call(ctx, eu, body, hdr, true, &r); err != nil {
		return nil, fmt.Errorf("onvif CreatePullPointSubscription: %w", err)
	}
	addr, err := c.at(r.Address)
	if err != nil {
		return nil, fmt.Errorf("onvif CreatePullPointSubscription: %w", err)
	}
	s := &Subscription{c: c, addr: addr}
	s.Termination, _ = time.Parse(time.RFC3339, strings.TrimSpace(r.Termination))
	return s, nil
}

// Pull waits up to wait for notifications (PullMessages) and returns those that came.
func (s *Subscription) Pull(ctx context.Context, wait time.Duration) ([]Notification, error) {
	var r pullResponse
	body := fmt.Sprintf(`<PullMessages xmlns="`+nsEvents+`"><Timeout>%s</Timeout><MessageLimit>%d</MessageLimit></PullMessages>`,
		duration(wait), maxNotifications)
	hdr := addressing(nsEvents+"/PullPointSubscription/PullMessagesRequest", s.addr)
	if err := s.c.callWait(ctx, s.addr, body, hdr, true, &r, wait); err != nil {
		return nil, fmt.Errorf("onvif PullMessages: %w", err)
	}
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(r.Termination)); err == nil {
		s.Termination = t
	}
	return r.notifications(), nil
}

// Renew extends the subscription by d.
func (s *Subscription) Renew(ctx context.Context, d time.Duration) error {
	var r struct {
		Termination string `xml:"Body>RenewResponse>TerminationTime"`
	}
	body := `<Renew xmlns="` + nsWSN + `"><TerminationTime>` + duration(d) + `</TerminationTime></Renew>`
	hdr := addressing("http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/RenewRequest", s.addr)
	if err := s.c.call(ctx, s.addr, body, hdr, true, &r); err != nil {
		return fmt.Errorf("onvif Renew: %w", err)
	}
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(r.Termination)); err == nil {
		s.Termination = t
	}
	return nil
}

// Unsubscribe ends the subscription.
func (s *Subscription) Unsubscribe(ctx context.Context) error {
	body := `<Unsubscribe xmlns="` + nsWSN + `"/>`
	hdr := addressing("http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/UnsubscribeRequest", s.addr)
	if err := s.c.call(ctx, s.addr, body, hdr, true, nil); err != nil {
		return fmt.Errorf("onvif Unsubscribe: %w", err)
	}
	return nil
}

// addressing is the WS-Addressing header some devices need to route a request to a subscription.
func addressing(action string, to *url.URL) string {
	return `<a:Action s:mustUnderstand="1">` + escape(action) + `</a:Action><a:To s:mustUnderstand="1">` +
		escape(to.String()) + `</a:To>`
}

// duration is d as an xs:duration in whole seconds (at least one).
func duration(d time.Duration) string {
	return fmt.Sprintf("PT%dS", max(int64(d/time.Second), 1))
}
