package nvr

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation/agency"
)

// fill sets every field of v, recursively, to a value that is not zero and differs between fields, so a
// field a conversion forgets shows.
func fill(t *testing.T, v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *seed))
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*seed))
	case reflect.Float64:
		v.SetFloat(float64(*seed) + 0.5)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(t, v.Index(0), seed)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, seed)
		fill(t, e, seed)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 11, 27, 9, 0, *seed, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			fill(t, v.Field(i), seed)
		}
	default:
		t.Fatalf("fill: no value for a %s", v.Type())
	}
}

// TestRequestAPIJSON: the ui types that replaced `any` in ui.Requests marshal to the JSON the federation
// types did, field for field, so the typed results changed no response.
func TestRequestAPIJSON(t *testing.T) {
	var c agency.Custody
	var m agency.MonthReport
	seed := 0
	fill(t, reflect.ValueOf(&c).Elem(), &seed)
	fill(t, reflect.ValueOf(&m).Elem(), &seed)
	for _, tt := range []struct {
		name     string
		fed, api any
	}{
		{"custody", c, uiCustody(c)},
		{"transparency month", m, uiMonth(m)},
	} {
		want, err := json.Marshal(tt.fed)
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(tt.api)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: got JSON\n%s\nwant\n%s", tt.name, got, want)
		}
	}
}
