package geo_test

import (
	"errors"
	"math"
	"testing"

	"github.com/porchlight/porchlight/federation/geo"
)

func TestDistance(t *testing.T) {
	// Hand values: one degree of a great circle is πR/180 = 111195.080 m; half the meridian is
	// πR = 20015114.442 m; one degree of longitude at 60° is 2R·asin(cos 60°·sin 0.5°) = 55597.011 m.
	tests := []struct {
		name string
		a, b geo.Point
		want float64
	}{
		{"same point", home, home, 0},
		{"one degree of latitude", geo.Point{Lat: 10, Lon: 20}, geo.Point{Lat: 11, Lon: 20}, 111195.080},
		{"one degree along the equator", geo.Point{Lat: 0, Lon: 0}, geo.Point{Lat: 0, Lon: 1}, 111195.080},
		{"across the antimeridian", geo.Point{Lat: 0, Lon: 179.5}, geo.Point{Lat: 0, Lon: -179.5}, 111195.080},
		{"one degree of longitude at 60°", geo.Point{Lat: 60, Lon: 5}, geo.Point{Lat: 60, Lon: 6}, 55597.011},
		{"pole to pole", geo.Point{Lat: 90}, geo.Point{Lat: -90}, 20015114.442},
		{"antipodes", geo.Point{Lat: 0, Lon: 0}, geo.Point{Lat: 0, Lon: 180}, 20015114.442},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, got := range []float64{geo.Distance(tt.a, tt.b), geo.Distance(tt.b, tt.a)} {
				if math.Abs(got-tt.want) > 0.001 {
					t.Errorf("Distance = %.4f m, want %.3f m", got, tt.want)
				}
			}
		})
	}
}

func TestPointValidate(t *testing.T) {
	tests := []struct {
		p    geo.Point
		want string
	}{
		{geo.Point{Lat: 45.5, Lon: -122.6}, ""},
		{geo.Point{Lat: 90, Lon: 180}, ""},
		{geo.Point{Lat: -90, Lon: -180}, ""},
		{geo.Point{Lat: 90.0001}, "lat: 90.0001 is not a latitude in [-90, 90]"},
		{geo.Point{Lat: math.NaN()}, "lat: NaN is not a latitude in [-90, 90]"},
		{geo.Point{Lon: math.Inf(-1)}, "lon: -Inf is not a longitude in [-180, 180]"},
		{geo.Point{Lon: 181}, "lon: 181 is not a longitude in [-180, 180]"},
	}
	for _, tt := range tests {
		err := tt.p.Validate()
		checkErr(t, tt.p.String(), err, tt.want)
	}
}

// checkErr fails unless err's text is want ("" = no error) and a non-nil err matches geo.ErrInvalid.
func checkErr(t *testing.T, what string, err error, want string) {
	t.Helper()
	got := ""
	if err != nil {
		got = err.Error()
		if !errors.Is(err, geo.ErrInvalid) {
			t.Errorf("%s: error %q does not match ErrInvalid", what, got)
		}
	}
	if got != want {
		t.Errorf("%s: got error %q, want %q", what, got, want)
	}
}

func TestWithin(t *testing.T) {
	err := geo.Within("request.area", geo.Area{Polygon: geo.Polygon{{Lat: 1}, {Lat: 99}, {Lon: 1}}}.Validate())
	checkErr(t, "nested", err, "request.area.polygon[1].lat: 99 is not a latitude in [-90, 90]")
	if geo.Within("x", nil) != nil {
		t.Errorf("Within(x, nil) is not nil")
	}
	other := errors.New("other")
	if got := geo.Within("x", other); got != other {
		t.Errorf("Within(x, other) = %v, want other unchanged", got)
	}
}
