package roster

import (
	"fmt"
	"math"
	"time"

	"github.com/porchlight/porchlight/federation/wire"
)

// Defaults and bounds of an agency's credential.
const (
	DefaultMaxAreaSqMi  = 0.5
	DefaultMaxWindow    = 12 * time.Hour
	DefaultPerDay       = 10
	DefaultCredential   = 365 * 24 * time.Hour
	MaxCredential       = 5 * 365 * 24 * time.Hour
	SquareMetresPerSqMi = 2_589_988.110336 // square metres in a square mile
)

// Scope is what a steward lets an agency ask for (see wire.Scope). Zero caps take the defaults.
type Scope struct {
	Lat, Lon  float64       // centre, degrees
	Radius    float64       // metres
	MaxArea   float64       // square miles, largest request area
	MaxWindow time.Duration // longest request window
	PerDay    int           // requests a day
	Valid     time.Duration // how long the credential lasts from now
}

// Wire checks the scope and turns it into its wire form, expiring Valid after now.
func (s Scope) Wire(now time.Time) (wire.Scope, error) {
	if s.MaxArea == 0 {
		s.MaxArea = DefaultMaxAreaSqMi
	}
	if s.MaxWindow == 0 {
		s.MaxWindow = DefaultMaxWindow
	}
	if s.PerDay == 0 {
		s.PerDay = DefaultPerDay
	}
	if s.Valid == 0 {
		s.Valid = DefaultCredential
	}
	switch {
	case math.IsNaN(s.Lat) || math.IsNaN(s.Lon) || s.Lat < -90 || s.Lat > 90 || s.Lon < -180 || s.Lon > 180:
		return wire.Scope{}, fmt.Errorf("%w: scope centre must be lat -90..90, lon -180..180", ErrInvalid)
	case !(s.Radius >= 1 && s.Radius <= wire.MaxRadius):
		return wire.Scope{}, fmt.Errorf("%w: scope radius must be 1..%d m", ErrInvalid, wire.MaxRadius)
	case !(s.MaxArea > 0 && s.MaxArea <= 100):
		return wire.Scope{}, fmt.Errorf("%w: largest request area must be above 0 and at most 100 sq mi", ErrInvalid)
	case s.MaxWindow < time.Minute || s.MaxWindow > 7*24*time.Hour:
		return wire.Scope{}, fmt.Errorf("%w: longest request window must be 1m..168h", ErrInvalid)
	case s.PerDay < 0 || s.PerDay > 1000:
		return wire.Scope{}, fmt.Errorf("%w: requests per day must be 1..1000", ErrInvalid)
	case s.Valid < 0 || s.Valid > MaxCredential:
		return wire.Scope{}, fmt.Errorf("%w: a credential lasts at most %s", ErrInvalid, MaxCredential)
	}
	return wire.Scope{
		Area:      wire.Area{Center: Microdegrees(s.Lat, s.Lon), Radius: uint32(math.Round(s.Radius))},
		MaxArea:   uint64(math.Round(s.MaxArea * SquareMetresPerSqMi)),
		MaxWindow: s.MaxWindow.Milliseconds(),
		PerDay:    uint32(s.PerDay),
		Expires:   now.Add(s.Valid).UnixMilli(),
	}, nil
}

// Microdegrees is a position in the wire form.
func Microdegrees(lat, lon float64) wire.Place {
	return wire.Place{Lat: int32(math.Round(lat * 1e6)), Lon: int32(math.Round(lon * 1e6))}
}
