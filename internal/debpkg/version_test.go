package debpkg

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestDebianVersion(t *testing.T) {
	at := time.Date(2026, 12, 6, 21, 29, 1, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		describe, want, wantErr string
	}{
		{"9dfe23e", "0.0.0~git20261206.202901.9dfe23e", ""},
		{"9dfe23e-dirty\n", "0.0.0~git20261206.202901.9dfe23e.dirty", ""},
		{"v1.2.0", "1.2.0", ""},
		{"1.2.0", "1.2.0", ""},
		{"v1.2.0-dirty", "1.2.0+dirty", ""},
		{"v1.3.0-rc1", "1.3.0~rc1", ""},
		{"v1.2.0-5-g9dfe23e", "1.2.0+git5.9dfe23e", ""},
		{"v1.2.0-5-g9dfe23e-dirty", "1.2.0+git5.9dfe23e.dirty", ""},
		{"v1.3.0-rc1-2-gabc1234", "1.3.0~rc1+git2.abc1234", ""},
		{"release-1", "", `git tag "release-1": want a version such as v1.2.0`},
		{"v1.2_0", "", `git tag "v1.2_0": want a version`},
		{"", "", `git tag "": want a version`},
	}
	for _, tt := range tests {
		t.Run(tt.describe, func(t *testing.T) {
			got, err := DebianVersion(tt.describe, at)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got (%q, %v), want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got (%q, %v), want %q", got, err, tt.want)
			}
		})
	}
}

// TestDebianVersionOrder: dpkg sorts the mapped versions in release order (a pre-release before its
// release, commits after a tag after it, untagged builds by commit time).
func TestDebianVersionOrder(t *testing.T) {
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("needs dpkg")
	}
	t1 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	in := []struct {
		describe string
		at       time.Time
	}{
		{"ffff000", t1},
		{"0000aaa", t1.Add(time.Minute)},
		{"v0.9.0-rc1", t1},
		{"v0.9.0", t1},
		{"v0.9.0-dirty", t1},
		{"v0.9.0-2-gbbbbbbb", t1},
		{"v0.9.0-10-gaaaaaaa", t1},
		{"v0.9.1", t1},
	}
	var prev string
	for _, v := range in {
		got, err := DebianVersion(v.describe, v.at)
		if err != nil {
			t.Fatal(err)
		}
		if prev != "" {
			if err := exec.Command("dpkg", "--compare-versions", prev, "lt", got).Run(); err != nil {
				t.Errorf("dpkg --compare-versions %s lt %s: false, want true", prev, got)
			}
		}
		prev = got
	}
}

// FuzzDebianVersion: whatever git prints, the result is a valid Debian version or an error.
func FuzzDebianVersion(f *testing.F) {
	for _, s := range []string{"9dfe23e", "9dfe23e-dirty", "v1.2.0", "v1.3.0-rc1-2-gabc1234-dirty", "release-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, describe string) {
		v, err := DebianVersion(describe, time.Unix(0, 0))
		if err != nil {
			return
		}
		if verr := ValidVersion(v); verr != nil {
			t.Fatalf("DebianVersion(%q) = %q: %v", describe, v, verr)
		}
	})
}
