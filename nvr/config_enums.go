package nvr

import (
	"fmt"
	"log/slog"
)

// Role is what a node does: a household records its cameras and joins neighborhoods; an agency runs a
// federation node that posts requests and receives approved footage.
type Role string

// Roles.
const (
	RoleHousehold Role = "household"
	RoleAgency    Role = "agency"
)

// Validate reports whether r is one of the roles.
func (r Role) Validate() error {
	switch r {
	case RoleHousehold, RoleAgency:
		return nil
	}
	return fmt.Errorf("invalid role %q (want household or agency)", string(r))
}

// UnmarshalText implements encoding.TextUnmarshaler; it rejects unknown roles.
func (r *Role) UnmarshalText(b []byte) error {
	return setValid(r, Role(b))
}

// Transport is how a camera's RTP packets travel: interleaved in the RTSP TCP connection or as UDP.
type Transport string

// Transports.
const (
	TransportTCP Transport = "tcp"
	TransportUDP Transport = "udp"
)

// Validate reports whether t is one of the transports.
func (t Transport) Validate() error {
	switch t {
	case TransportTCP, TransportUDP:
		return nil
	}
	return fmt.Errorf("invalid transport %q (want tcp or udp)", string(t))
}

// UnmarshalText implements encoding.TextUnmarshaler; it rejects unknown transports.
func (t *Transport) UnmarshalText(b []byte) error {
	return setValid(t, Transport(b))
}

// LogLevel is the least severe level the node logs.
type LogLevel string

// Log levels.
const (
	LogDebug LogLevel = "debug"
	LogInfo  LogLevel = "info"
	LogWarn  LogLevel = "warn"
	LogError LogLevel = "error"
)

var slogLevels = map[LogLevel]slog.Level{
	LogDebug: slog.LevelDebug, LogInfo: slog.LevelInfo, LogWarn: slog.LevelWarn, LogError: slog.LevelError,
}

// Validate reports whether l is one of the levels.
func (l LogLevel) Validate() error {
	if _, ok := slogLevels[l]; ok {
		return nil
	}
	return fmt.Errorf("invalid log level %q (want debug, info, warn or error)", string(l))
}

// Level returns l as a slog.Level; an invalid level is slog.LevelInfo.
func (l LogLevel) Level() slog.Level {
	return slogLevels[l]
}

// UnmarshalText implements encoding.TextUnmarshaler; it rejects unknown levels.
func (l *LogLevel) UnmarshalText(b []byte) error {
	return setValid(l, LogLevel(b))
}

// setValid stores v in dst if v validates.
func setValid[T interface{ Validate() error }](dst *T, v T) error {
	if err := v.Validate(); err != nil {
		return err
	}
	*dst = v
	return nil
}

// Reachability is whether the node can be reached from the internet.
type Reachability string

// Reachabilities.
const (
	ReachAuto    Reachability = "auto"
	ReachPublic  Reachability = "public"
	ReachPrivate Reachability = "private"
)

// Validate reports whether r is one of the reachabilities.
func (r Reachability) Validate() error {
	switch r {
	case ReachAuto, ReachPublic, ReachPrivate:
		return nil
	}
	return fmt.Errorf("invalid reachability %q (want auto, public or private)", string(r))
}

// UnmarshalText implements encoding.TextUnmarshaler; it rejects unknown values.
func (r *Reachability) UnmarshalText(b []byte) error { return setValid(r, Reachability(b)) }

// Switch is a feature setting whose default depends on the node: auto, on or off.
type Switch string

// Switch values.
const (
	SwitchAuto Switch = "auto"
	SwitchOn   Switch = "on"
	SwitchOff  Switch = "off"
)

// Validate reports whether s is auto, on or off.
func (s Switch) Validate() error {
	switch s {
	case SwitchAuto, SwitchOn, SwitchOff:
		return nil
	}
	return fmt.Errorf("invalid value %q (want auto, on or off)", string(s))
}

// UnmarshalText implements encoding.TextUnmarshaler; it rejects unknown values.
func (s *Switch) UnmarshalText(b []byte) error { return setValid(s, Switch(b)) }

// On resolves auto with the given default.
func (s Switch) On(auto bool) bool { return s == SwitchOn || (s == SwitchAuto && auto) }
