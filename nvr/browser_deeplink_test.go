package nvr_test

import (
	"fmt"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// TestBrowserNotificationLink: the link of a real motion notification (as ntfy received it), opened in
// a browser that is not logged in, shows the login form; after logging in the browser lands on the
// event's view with that event marked, the link's fragment intact.
func TestBrowserNotificationLink(t *testing.T) {
	cam := startMotionCamera(t)
	nt := notifytest.StartNtfy(t)
	res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	base, password := runInitNode(t, res, func(b []byte) []byte {
		b = regexp.MustCompile(`(?m)^cameras: \[\]`).ReplaceAll(b, []byte(fmt.Sprintf(
			"cameras:\n  - name: front\n    url: %s\n    motion: {post_roll: 2s}\n", cam.URL())))
		return append(b, fmt.Sprintf("notify:\n  - {type: ntfy, url: %s/porch, events: [motion]}\n", nt.URL)...)
	})
	testutil.WaitFor(t, 60*time.Second, "a motion notification", func() bool { return len(nt.Messages()) > 0 })
	link := nt.Messages()[0].Click
	m := regexp.MustCompile(`^` + regexp.QuoteMeta(base) + `/#/events\?camera=front&day=[\d-]+&event=(\d+)$`).FindStringSubmatch(link)
	if m == nil {
		t.Fatalf("link %q does not open the event's view on %s", link, base)
	}
	u, _ := url.Parse(link)

	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(link)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.WaitVisible("#login-form"),
		chromedp.SetValue(`#login-form [name=password]`, password),
		chromedp.Click(`#login-form button[type=submit]`),
		chromedp.WaitVisible(`#events`),
		chromedp.WaitVisible(`#ev-grid .ev-card[data-id="`+m[1]+`"][aria-current=true]`),
	)
	if err != nil {
		t.Fatalf("login through the link: %v", err)
	}
	if hash := evalJS[string](t, ctx, `location.hash`); hash != "#"+u.Fragment {
		t.Errorf("after login the fragment is %q, want %q", hash, "#"+u.Fragment)
	}
	if cam := evalJS[string](t, ctx, `document.querySelector("#ev-camera").value`); cam != "front" {
		t.Errorf("events view filtered by %q, want front", cam)
	}
}
