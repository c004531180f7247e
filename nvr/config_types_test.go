package nvr

import (
	"log/slog"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
		text    string // what MarshalText writes
	}{
		{in: "0", want: 0, text: "0s"},
		{in: "0s", want: 0, text: "0s"},
		{in: "90s", want: 90 * time.Second, text: "90s"},
		{in: "60s", want: time.Minute, text: "60s"},
		{in: "1m30s", want: 90 * time.Second, text: "90s"},
		{in: "720h", want: 720 * time.Hour, text: "720h"},
		{in: "30d", want: 720 * time.Hour, text: "720h"},
		{in: "1.5d", want: 36 * time.Hour, text: "36h"},
		{in: " 100ms ", want: 100 * time.Millisecond, text: "100ms"},
		{in: "1500us", want: 1500 * time.Microsecond, text: "1500us"},
		{in: "7ns", want: 7, text: "7ns"},
		{in: "", wantErr: `invalid duration ""`},
		{in: "d", wantErr: `invalid duration "d"`},
		{in: "1.2.3d", wantErr: `invalid duration "1.2.3d"`},
		{in: "5", wantErr: `invalid duration "5"`},
		{in: "-5s", wantErr: `invalid duration "-5s" (must not be negative)`},
		{in: "-1d", wantErr: `invalid duration "-1d" (must not be negative)`},
		{in: "200000000d", wantErr: `invalid duration "200000000d"`},
		{in: "1w", wantErr: `invalid duration "1w"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if gotErr := errString(err); gotErr != tt.wantErr {
				t.Fatalf("got error %q, want %q", gotErr, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got.Std() != tt.want {
				t.Errorf("got %v, want %v", got.Std(), tt.want)
			}
			text, _ := got.MarshalText()
			if string(text) != tt.text {
				t.Errorf("got text %q, want %q", text, tt.text)
			}
		})
	}
}

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr string
		text    string
	}{
		{in: "0", want: 0, text: "0"},
		{in: "1048576", want: 1 << 20, text: "1MiB"},
		{in: "200GB", want: 200e9, text: "200GB"},
		{in: "1.5GiB", want: 3 << 29, text: "1536MiB"},
		{in: "500 MB", want: 500e6, text: "500MB"},
		{in: "1gb", want: 1e9, text: "1GB"},
		{in: "2KB", want: 2000, text: "2kB"},
		{in: "1024kB", want: 1024000, text: "1000KiB"},
		{in: "3B", want: 3, text: "3B"},
		{in: "1TiB", want: 1 << 40, text: "1TiB"},
		{in: "8EB", wantErr: `invalid size "8EB"`},
		{in: "20XB", wantErr: `invalid size "20XB"`},
		{in: "GB", wantErr: `invalid size "GB"`},
		{in: "", wantErr: `invalid size ""`},
		{in: "-1", wantErr: `invalid size "-1"`},
		{in: "1e9", wantErr: `invalid size "1e9"`},
		{in: "1/2GB", wantErr: `invalid size "1/2GB"`},
		{in: "0.5B", wantErr: `invalid size "0.5B" (not a whole number of bytes)`},
		{in: "9223372036854775808", wantErr: `invalid size "9223372036854775808" (too large)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseByteSize(tt.in)
			if gotErr := errString(err); gotErr != tt.wantErr {
				t.Fatalf("got error %q, want %q", gotErr, tt.wantErr)
			}
			if err != nil {
				return
			}
			if int64(got) != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
			text, _ := got.MarshalText()
			if string(text) != tt.text {
				t.Errorf("got text %q, want %q", text, tt.text)
			}
		})
	}
}

func TestEnums(t *testing.T) {
	tests := []struct {
		name    string
		set     func(string) error
		in      string
		wantErr string
	}{
		{"role household", func(s string) error { var r Role; return r.UnmarshalText([]byte(s)) }, "household", ""},
		{"role agency", func(s string) error { var r Role; return r.UnmarshalText([]byte(s)) }, "agency", ""},
		{"role case", func(s string) error { var r Role; return r.UnmarshalText([]byte(s)) }, "Agency", `invalid role "Agency" (want household or agency)`},
		{"transport udp", func(s string) error { var v Transport; return v.UnmarshalText([]byte(s)) }, "udp", ""},
		{"transport http", func(s string) error { var v Transport; return v.UnmarshalText([]byte(s)) }, "http", `invalid transport "http" (want tcp or udp)`},
		{"log level warn", func(s string) error { var v LogLevel; return v.UnmarshalText([]byte(s)) }, "warn", ""},
		{"log level trace", func(s string) error { var v LogLevel; return v.UnmarshalText([]byte(s)) }, "trace", `invalid log level "trace" (want debug, info, warn or error)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errString(tt.set(tt.in)); got != tt.wantErr {
				t.Errorf("got error %q, want %q", got, tt.wantErr)
			}
		})
	}
	levels := map[LogLevel]slog.Level{LogDebug: slog.LevelDebug, LogInfo: slog.LevelInfo, LogWarn: slog.LevelWarn, LogError: slog.LevelError}
	for l, want := range levels {
		if got := l.Level(); got != want {
			t.Errorf("LogLevel(%q).Level(): got %v, want %v", l, got, want)
		}
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"0", "90s", "720h", "30d", "1.5d", "1h2m3.5s", "-1s", "1e3d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("ParseDuration(%q) = %v, want non-negative", s, d.Std())
		}
		again, err := ParseDuration(d.String())
		if err != nil || again != d {
			t.Errorf("ParseDuration(%q) = %d; reading back %q gave %d, %v", s, d, d.String(), again, err)
		}
	})
}

func FuzzParseByteSize(f *testing.F) {
	for _, s := range []string{"0", "200GB", "1.5GiB", "1 kb", "0.001MB", "20XB", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseByteSize(s)
		if err != nil {
			return
		}
		if v < 0 {
			t.Fatalf("ParseByteSize(%q) = %d, want non-negative", s, v)
		}
		again, err := ParseByteSize(v.String())
		if err != nil || again != v {
			t.Errorf("ParseByteSize(%q) = %d; reading back %q gave %d, %v", s, v, v.String(), again, err)
		}
	})
}
