package nvr_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/nvr"
)

// TestBrowserAbout: Settings → About shows the build's version and every on-disk format with its version,
// as GET /api/v1/version reports them.
func TestBrowserAbout(t *testing.T) {
	base, password := startNode(t)
	ctx := browserLogin(t, base, "admin", password)
	err := chromedp.Do(ctx,
		chromedp.Click(`header a[data-view=settings]`),
		chromedp.WaitVisible(`#about-formats tbody tr`),
	)
	if err != nil {
		t.Fatalf("settings: %v", err)
	}
	if got := evalJS[string](t, ctx, `document.querySelector("#about-version").textContent`); !strings.Contains(got, nvr.Version()) {
		t.Errorf("about: got %q, want the version %q in it", got, nvr.Version())
	}
	rows := evalJS[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("#about-formats tbody tr")].map(r => [r.querySelector(".name").textContent, r.querySelector(".version").textContent]))`)
	formats := nvr.Formats()
	if len(rows) != len(formats) {
		t.Errorf("about lists %v, want %v", rows, formats)
	}
	for name, v := range formats {
		if rows[name] != strconv.Itoa(v) {
			t.Errorf("about: format %s shows %q, want %d", name, rows[name], v)
		}
	}
	screenshot(t, ctx, "settings-about")
}
