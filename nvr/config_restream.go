package nvr

import "fmt"

// RestreamConfig configures the RTSP restream of the cameras (package recorder/restream): every camera
// at rtsp://HOST:PORT/{camera} and its sub-stream at /{camera}/sub, for clients that log in with a web
// user's name and password.
type RestreamConfig struct {
	Listen string `yaml:"listen"` // host:port, e.g. 0.0.0.0:8554; empty = off (the default)
}

func (r RestreamConfig) validate() error {
	if r.Listen == "" {
		return nil
	}
	if err := validateListen(r.Listen); err != nil {
		return fmt.Errorf("restream.listen: %w", err)
	}
	return nil
}
