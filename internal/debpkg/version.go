package debpkg

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// describeRE splits `git describe --tags --always --dirty` output: a tag with the commits since it and
// the abbreviated hash, or a bare hash when no tag is reachable, either with -dirty.
var (
	describeTagged = regexp.MustCompile(`^(.+)-([0-9]+)-g([0-9a-f]{4,40})$`)
	bareHash       = regexp.MustCompile(`^[0-9a-f]{4,40}$`)
	// debianVersion is what DebianVersion returns: an upstream version of a native package (no epoch, no
	// revision), starting with a digit.
	debianVersion = regexp.MustCompile(`^[0-9][A-Za-z0-9.+~]*$`)
	tagChars      = regexp.MustCompile(`^[0-9][A-Za-z0-9.+~-]*$`)
)

// DebianVersion maps the output of `git describe --tags --always --dirty` to a Debian version that sorts
// in commit order; commitTime is the committer time of HEAD, used when no tag exists.
//
//	v1.2.0                  1.2.0
//	v1.3.0-rc1              1.3.0~rc1          (before 1.3.0)
//	v1.2.0-5-g9dfe23e       1.2.0+git5.9dfe23e (after 1.2.0, before 1.2.1)
//	9dfe23e (no tag)        0.0.0~git20261206.212900.9dfe23e  (UTC commit time: later commits sort higher)
//	any of them + -dirty    the same + .dirty (or +dirty after a bare tag)
func DebianVersion(describe string, commitTime time.Time) (string, error) {
	d := strings.TrimSpace(describe)
	rest, dirty := strings.CutSuffix(d, "-dirty")
	var v string
	switch {
	case bareHash.MatchString(rest):
		v = fmt.Sprintf("0.0.0~git%s.%s", commitTime.UTC().Format("20060102.150405"), rest)
	case describeTagged.MatchString(rest):
		m := describeTagged.FindStringSubmatch(rest)
		up, err := upstreamFromTag(m[1])
		if err != nil {
			return "", err
		}
		v = fmt.Sprintf("%s+git%s.%s", up, m[2], m[3])
	default:
		up, err := upstreamFromTag(rest)
		if err != nil {
			return "", err
		}
		v = up
	}
	if dirty {
		if strings.Contains(v, "+") || strings.Contains(v, "~git") {
			v += ".dirty"
		} else {
			v += "+dirty"
		}
	}
	if !debianVersion.MatchString(v) {
		return "", fmt.Errorf("git describe %q: maps to %q, not a Debian version", d, v)
	}
	return v, nil
}

// upstreamFromTag turns a release tag (v1.2.0, 1.3.0-rc1) into a Debian upstream version: the leading v
// dropped and a pre-release's hyphen made a tilde, so that it sorts before the release.
func upstreamFromTag(tag string) (string, error) {
	t := tag
	if len(t) > 1 && t[0] == 'v' && t[1] >= '0' && t[1] <= '9' {
		t = t[1:]
	}
	if !tagChars.MatchString(t) {
		return "", fmt.Errorf("git tag %q: want a version such as v1.2.0 or v1.3.0-rc1 (digits first; letters, digits, . + ~ -)", tag)
	}
	return strings.ReplaceAll(t, "-", "~"), nil
}

// ValidVersion reports whether v can be used as a package version as given (-version flag): the form
// DebianVersion produces.
func ValidVersion(v string) error {
	if !debianVersion.MatchString(v) {
		return fmt.Errorf("version %q: want a Debian upstream version (a digit first, then letters, digits, . + ~)", v)
	}
	return nil
}

// GitVersion runs git in repo and returns DebianVersion of its description and HEAD's commit time.
func GitVersion(ctx context.Context, repo string) (version string, commitTime time.Time, err error) {
	describe, err := git(ctx, repo, "describe", "--tags", "--always", "--dirty")
	if err != nil {
		return "", time.Time{}, err
	}
	ct, err := git(ctx, repo, "log", "-1", "--format=%ct")
	if err != nil {
		return "", time.Time{}, err
	}
	sec, err := strconv.ParseInt(ct, 10, 64)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("git log: commit time %q: %w", ct, err)
	}
	commitTime = time.Unix(sec, 0).UTC()
	version, err = DebianVersion(describe, commitTime)
	return version, commitTime, err
}

func git(ctx context.Context, repo string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = repo
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}
